package io.upshift.version;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.intake.Problem;

/**
 * The rules a schema cannot express: unique service names, dependencies that exist, no cycles,
 * one service per Deployment. They look only at values the schema accepted ({@code sound}), so
 * one typo is reported once instead of cascading.
 */
final class SemanticRules {

    private SemanticRules() {
    }

    static List<Problem> check(JsonNode root, Predicate<List<Object>> sound) {
        List<Problem> problems = new ArrayList<>();
        JsonNode services = root.path("services");
        if (!services.isArray()) {
            return problems;
        }
        // every name written down counts as known, even a malformed one already reported, so a
        // dependency on it is not reported a second time as unknown
        Map<String, Integer> firstIndex = new LinkedHashMap<>();
        List<Integer> duplicates = new ArrayList<>();
        for (int i = 0; i < services.size(); i++) {
            JsonNode name = services.get(i).path("name");
            if (!name.isTextual()) {
                continue;
            }
            Integer first = firstIndex.putIfAbsent(name.asText(), i);
            if (first != null && sound.test(Problem.path("services", i, "name"))) {
                problems.add(new Problem(Problem.path("services", i, "name"),
                        "duplicate service \"" + name.asText() + "\" (also services[" + first + "])"));
                duplicates.add(i);
            }
        }

        Map<String, List<String>> graph = new LinkedHashMap<>();
        firstIndex.keySet().forEach(n -> graph.put(n, new ArrayList<>()));
        for (int i = 0; i < services.size(); i++) {
            String owner = services.get(i).path("name").isTextual() ? services.get(i).path("name").asText() : null;
            boolean inGraph = owner != null && !duplicates.contains(i);
            JsonNode dependsOn = services.get(i).path("dependsOn");
            for (int j = 0; dependsOn.isArray() && j < dependsOn.size(); j++) {
                List<Object> at = Problem.path("services", i, "dependsOn", j);
                if (!dependsOn.get(j).isTextual() || !sound.test(at)) {
                    continue;
                }
                String dep = dependsOn.get(j).asText();
                if (dep.equals(owner)) {
                    problems.add(new Problem(at, "\"" + dep + "\" depends on itself"));
                } else if (!firstIndex.containsKey(dep)) {
                    problems.add(new Problem(at, "unknown service \"" + dep + "\""
                            + Suggestions.closest(dep, firstIndex.keySet()).map(s -> " (did you mean \"" + s + "\"?)").orElse("")));
                } else if (inGraph && !graph.get(owner).contains(dep)) {
                    graph.get(owner).add(dep);
                }
            }
        }
        for (List<String> cycle : DependencyGraph.of(graph).cycles()) {
            if (cycle.size() > 1) {
                problems.add(new Problem(Problem.path("services", firstIndex.get(cycle.get(0)), "dependsOn"),
                        "dependency cycle: " + DependencyGraph.describe(cycle)));
            }
        }

        problems.addAll(duplicateDeployments(services, duplicates, sound));
        return problems;
    }

    private static List<Problem> duplicateDeployments(JsonNode services, List<Integer> duplicateNames,
            Predicate<List<Object>> sound) {
        List<Problem> problems = new ArrayList<>();
        Map<String, Integer> owners = new LinkedHashMap<>();
        for (int i = 0; i < services.size(); i++) {
            JsonNode s = services.get(i);
            final int index = i;
            boolean usable = !duplicateNames.contains(i)
                    && s.path("name").isTextual()
                    && Set.of("name", "deployment", "namespace").stream()
                            .allMatch(f -> sound.test(Problem.path("services", index, f)));
            if (!usable) {
                continue;
            }
            boolean explicit = s.path("deployment").isTextual();
            String deployment = explicit ? s.path("deployment").asText() : s.path("name").asText();
            String namespace = s.path("namespace").isTextual() ? s.path("namespace").asText() : null;
            Integer first = owners.putIfAbsent(namespace + "/" + deployment, i);
            if (first != null) {
                String where = namespace == null ? "the platform namespace" : "namespace \"" + namespace + "\"";
                problems.add(new Problem(explicit ? Problem.path("services", i, "deployment") : Problem.path("services", i),
                        "Deployment \"" + deployment + "\" in " + where + " is already upgraded by services[" + first + "] (\""
                                + services.get(first).path("name").asText() + "\")"));
            }
        }
        return problems;
    }
}
