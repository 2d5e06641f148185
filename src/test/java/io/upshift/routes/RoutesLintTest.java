package io.upshift.routes;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Camel YAML DSL validator plugin would check (it is not served here): every route file
 * matches the YAML DSL schema shipped in camel-yaml-dsl; plus the house rules: every route has an
 * explicit id, a {@code direct:} route's id is its endpoint name, ids are unique, and every
 * {@code direct:} endpoint sent to has a consumer.
 */
class RoutesLintTest {

    private final YAMLMapper yaml = new YAMLMapper();

    private List<Path> routeFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            return files.filter(p -> p.toString().endsWith(".camel.yaml")).sorted().toList();
        }
    }

    @Test
    void everyRouteFileMatchesTheYamlDslSchema() throws IOException {
        JsonSchema schema;
        try (InputStream in = getClass().getResourceAsStream("/schema/camelYamlDsl.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        }
        List<String> problems = new ArrayList<>();
        for (Path file : routeFiles()) {
            for (ValidationMessage m : schema.validate(yaml.readTree(file.toFile()))) {
                problems.add(file.getFileName() + ": " + m.getMessage());
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void routesHaveExplicitUniqueIdsMatchingTheirDirectEndpoints() throws IOException {
        Set<String> ids = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (Path file : routeFiles()) {
            for (JsonNode item : yaml.readTree(file.toFile())) {
                JsonNode route = item.path("route");
                if (route.isMissingNode()) {
                    continue;
                }
                String id = route.path("id").asText("");
                String from = route.path("from").path("uri").asText();
                if (id.isEmpty()) {
                    problems.add(file.getFileName() + ": a route from " + from + " has no id");
                }
                if (!ids.add(id)) {
                    problems.add(file.getFileName() + ": duplicate route id " + id);
                }
                if (from.startsWith("direct:") && !from.equals("direct:" + id)) {
                    problems.add(file.getFileName() + ": route " + id + " consumes " + from);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyDirectEndpointSentToHasAConsumer() throws IOException {
        Set<String> consumed = new TreeSet<>();
        Set<String> produced = new TreeSet<>();
        for (Path file : routeFiles()) {
            JsonNode tree = yaml.readTree(file.toFile());
            for (JsonNode item : tree) {
                JsonNode from = item.path("route").path("from").path("uri");
                if (from.isTextual() && from.asText().startsWith("direct:")) {
                    consumed.add(from.asText());
                }
            }
            collectProducers(tree, produced);
        }
        produced.removeAll(consumed);
        assertThat(produced).as("direct: endpoints with no consumer").isEmpty();
    }

    /** {@code to:} values, {@code uri:} of to/wireTap steps, and REST {@code to:} targets. */
    private static void collectProducers(JsonNode node, Set<String> produced) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                JsonNode v = e.getValue();
                if ((e.getKey().equals("to") || e.getKey().equals("wireTap")) && v.isTextual()) {
                    add(v.asText(), produced);
                } else if ((e.getKey().equals("to") || e.getKey().equals("wireTap")) && v.has("uri")) {
                    add(v.path("uri").asText(), produced);
                }
                if (!e.getKey().equals("from")) {
                    collectProducers(v, produced);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectProducers(n, produced));
        }
    }

    private static void add(String uri, Set<String> produced) {
        if (uri.startsWith("direct:")) {
            produced.add(uri);
        }
    }
}
