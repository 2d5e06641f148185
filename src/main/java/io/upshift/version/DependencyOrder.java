package io.upshift.version;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The order services are upgraded in: a service comes after everything it {@code dependsOn}.
 * Graphs are maps from a service to its dependencies, iterated in file order; ties are broken by
 * file order so the same file always gives the same plan.
 */
public final class DependencyOrder {

    private DependencyOrder() {
    }

    /** The services of {@code config} as a dependency graph, in file order. */
    public static Map<String, List<String>> graph(VersionConfig config) {
        Map<String, List<String>> graph = new LinkedHashMap<>();
        for (ServiceSpec s : config.services()) {
            graph.putIfAbsent(s.name(), s.dependsOn());
        }
        return graph;
    }

    /**
     * Service names, dependencies first. Throws {@link IllegalArgumentException} for an unknown
     * dependency or a cycle (a validated {@link VersionConfig} has neither).
     */
    public static List<String> topologicalOrder(VersionConfig config) {
        return topologicalOrder(graph(config));
    }

    public static List<String> topologicalOrder(Map<String, List<String>> graph) {
        graph.forEach((name, deps) -> deps.stream().filter(d -> !graph.containsKey(d)).findFirst().ifPresent(d -> {
            throw new IllegalArgumentException("service \"" + name + "\" depends on unknown service \"" + d + "\"");
        }));
        List<String> order = new ArrayList<>(graph.size());
        Set<String> placed = new HashSet<>();
        while (order.size() < graph.size()) {
            // the first service in file order whose dependencies are all placed: stable, and
            // quadratic only in the number of services (tens, not thousands)
            String next = graph.entrySet().stream()
                    .filter(e -> !placed.contains(e.getKey()) && placed.containsAll(e.getValue()))
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .orElse(null);
            if (next == null) {
                List<String> cycle = cycles(graph).get(0);
                throw new IllegalArgumentException("dependency cycle: " + describe(cycle));
            }
            order.add(next);
            placed.add(next);
        }
        return order;
    }

    public static List<List<String>> cycles(VersionConfig config) {
        return cycles(graph(config));
    }

    /**
     * One cycle per group of services that depend on each other (strongly connected component),
     * as the list of its members from the one first in file order: {@code [a, b, c]} means
     * a depends on b, b on c, c on a. A service that depends on itself gives {@code [a]}.
     * Dependencies on services not in the graph are ignored.
     */
    public static List<List<String>> cycles(Map<String, List<String>> graph) {
        Map<String, List<String>> reverse = new HashMap<>();
        graph.forEach((name, deps) -> deps.forEach(d -> reverse.computeIfAbsent(d, k -> new ArrayList<>()).add(name)));
        List<List<String>> cycles = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (String start : graph.keySet()) {
            if (done.contains(start)) {
                continue;
            }
            Set<String> forward = reachable(start, graph);
            if (!forward.contains(start)) {
                continue;
            }
            Set<String> component = new LinkedHashSet<>(forward);
            component.retainAll(reachable(start, reverse));
            done.addAll(component);
            cycles.add(shortestCycle(start, component, graph));
        }
        return cycles;
    }

    /** {@code a -> b -> c -> a}. */
    public static String describe(List<String> cycle) {
        return String.join(" -> ", cycle) + " -> " + cycle.get(0);
    }

    private static Set<String> reachable(String from, Map<String, List<String>> edges) {
        Set<String> seen = new LinkedHashSet<>();
        ArrayDeque<String> queue = new ArrayDeque<>(edges.getOrDefault(from, List.of()));
        while (!queue.isEmpty()) {
            String n = queue.poll();
            if (seen.add(n)) {
                queue.addAll(edges.getOrDefault(n, List.of()));
            }
        }
        return seen;
    }

    /** Breadth first, so the reported cycle is as short (as readable) as possible. */
    private static List<String> shortestCycle(String start, Set<String> component, Map<String, List<String>> graph) {
        Map<String, String> parent = new HashMap<>();
        ArrayDeque<String> queue = new ArrayDeque<>(List.of(start));
        Set<String> seen = new HashSet<>(List.of(start));
        while (!queue.isEmpty()) {
            String n = queue.poll();
            for (String d : graph.getOrDefault(n, List.of())) {
                if (d.equals(start)) {
                    List<String> cycle = new ArrayList<>();
                    for (String c = n; c != null; c = parent.get(c)) {
                        cycle.add(0, c);
                    }
                    return cycle;
                }
                if (component.contains(d) && seen.add(d)) {
                    parent.put(d, n);
                    queue.add(d);
                }
            }
        }
        throw new IllegalStateException("no cycle through " + start);
    }
}
