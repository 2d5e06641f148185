package io.upshift.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DependencyOrderTest {

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

        assertThat(DependencyOrder.topologicalOrder(config))
                .containsExactly("config", "metadata", "auth", "gateway", "web", "batch");
    }

    @Test
    void keepsFileOrderWithoutDependencies() {
        VersionConfig config = new VersionConfig("5.1.2.05", List.of(service("c"), service("a"), service("b")), null, null);

        assertThat(DependencyOrder.topologicalOrder(config)).containsExactly("c", "a", "b");
        assertThat(DependencyOrder.cycles(config)).isEmpty();
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

        assertThat(DependencyOrder.cycles(graph)).containsExactly(List.of("a", "b", "c"), List.of("e"));
        assertThat(DependencyOrder.describe(List.of("a", "b", "c"))).isEqualTo("a -> b -> c -> a");
    }

    @Test
    void refusesToOrderACycleOrAnUnknownService() {
        VersionConfig cycle = new VersionConfig("5.1.2.05", List.of(service("a", "b"), service("b", "a")), null, null);
        VersionConfig unknown = new VersionConfig("5.1.2.05", List.of(service("a", "nope")), null, null);

        assertThatThrownBy(() -> DependencyOrder.topologicalOrder(cycle))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("dependency cycle: a -> b -> a");
        assertThatThrownBy(() -> DependencyOrder.topologicalOrder(unknown))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("service \"a\" depends on unknown service \"nope\"");
    }

    private static ServiceSpec service(String name, String... dependsOn) {
        return new ServiceSpec(name, "nginx:1", List.of(dependsOn), null, null, null);
    }
}
