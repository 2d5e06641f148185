package io.upshift.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DependencyGraphTest {

    @Test
    void putsDependenciesFirstAndBreaksTiesByFileOrder() {
        // each step takes the first service in file order whose dependencies are all placed
        VersionConfig config = new VersionConfig("5.1.2.05", List.of(
                service("web", "gateway"),
                service("gateway", "auth", "metadata"),
                service("metadata", "config"),
                service("auth", "config"),
                service("config"),
                service("batch")), null, null);

        assertThat(DependencyGraph.of(config).order())
                .containsExactly("config", "metadata", "auth", "gateway", "web", "batch");
    }

    @Test
    void keepsFileOrderWithoutDependencies() {
        VersionConfig config = new VersionConfig("5.1.2.05", List.of(service("c"), service("a"), service("b")), null, null);

        assertThat(DependencyGraph.of(config).order()).containsExactly("c", "a", "b");
        assertThat(DependencyGraph.of(config).cycles()).isEmpty();
    }

    @Test
    void findsOneCyclePerGroupStartingWithTheFirstInFileOrder() {
        Map<String, List<String>> graph = new LinkedHashMap<>();
        graph.put("x", List.of());
        graph.put("a", List.of("x", "b"));
        graph.put("b", List.of("c", "d"));
        graph.put("c", List.of("a"));
        graph.put("d", List.of("a"));
        graph.put("e", List.of("e"));

        assertThat(DependencyGraph.of(graph).cycles()).containsExactly(List.of("a", "b", "c"), List.of("e"));
        assertThat(DependencyGraph.describe(List.of("a", "b", "c"))).isEqualTo("a -> b -> c -> a");
    }

    @Test
    void refusesToOrderACycleOrAnUnknownService() {
        VersionConfig cycle = new VersionConfig("5.1.2.05", List.of(service("a", "b"), service("b", "a")), null, null);
        VersionConfig unknown = new VersionConfig("5.1.2.05", List.of(service("a", "nope")), null, null);

        assertThatThrownBy(() -> DependencyGraph.of(cycle).order())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("dependency cycle: a -> b -> a");
        assertThatThrownBy(() -> DependencyGraph.of(unknown).order())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("service \"a\" depends on unknown service \"nope\"");
    }

    @Test
    void reversedPutsDependentsFirstAndHeightsCountTheLongestChainBelow() {
        Map<String, List<String>> forward = new LinkedHashMap<>();
        forward.put("db", List.of());
        forward.put("api", List.of("db"));
        forward.put("worker", List.of("db"));
        forward.put("web", List.of("api"));
        DependencyGraph graph = DependencyGraph.of(forward);

        assertThat(graph.dependents("db")).containsExactly("api", "worker");
        assertThat(graph.reversed().asMap()).containsExactly(Map.entry("db", List.of("api", "worker")),
                Map.entry("api", List.of("web")), Map.entry("worker", List.of()), Map.entry("web", List.of()));
        assertThat(graph.reversed().order()).containsExactly("worker", "web", "api", "db");
        assertThat(graph.heights()).containsEntry("db", 3).containsEntry("api", 2).containsEntry("worker", 1)
                .containsEntry("web", 1);
    }

    private static ServiceSpec service(String name, String... dependsOn) {
        return new ServiceSpec(name, "nginx:1", List.of(dependsOn), null, null, null);
    }
}
