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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * {@code direct:} endpoint sent to has a consumer; and the README's route table names every route,
 * YAML and Java, and no route that is gone.
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

    @Test
    void theReadmeRouteTableNamesEveryRouteAndNoOther() throws IOException {
        Set<String> routes = new TreeSet<>();
        for (Path file : routeFiles()) {
            for (JsonNode item : yaml.readTree(file.toFile())) {
                String id = item.path("route").path("id").asText("");
                if (!id.isEmpty()) {
                    routes.add(id);
                }
            }
        }
        try (Stream<Path> java = Files.walk(Path.of("src/main/java"))) {
            for (Path file : java.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = JAVA_ROUTE_ID.matcher(Files.readString(file));
                while (m.find()) {
                    routes.add(m.group(1));
                }
            }
        }
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("\n## Routes\n");
        assertThat(start).as("README has a Routes section").isPositive();
        String table = readme.substring(start, readme.indexOf("\n## ", start + 1));
        Set<String> named = new TreeSet<>();
        for (String line : table.lines().filter(l -> l.startsWith("| `")).toList()) {
            Matcher m = CODE.matcher(line.substring(0, line.indexOf(" | ", 2)));
            while (m.find()) {
                named.add(m.group(1));
            }
        }
        assertThat(routes).as("route ids in routes/ and the Java DSL").hasSizeGreaterThan(30);
        assertThat(named).as("the README's route table").containsAll(routes);
        assertThat(routes).as("routes that exist").containsAll(named);
    }

    private static final Pattern JAVA_ROUTE_ID = Pattern.compile("\\.routeId\\(\"([a-z0-9-]+)\"\\)");
    private static final Pattern CODE = Pattern.compile("`([a-z0-9-]+)`");

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
