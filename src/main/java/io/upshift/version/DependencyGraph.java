package io.upshift.version;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The services of a platform and what each {@code dependsOn}: the one graph type of Upshift, used
 * to validate version configs (cycles), to plan an upgrade (its order), to schedule it ({@link
 * #heights()}, {@link #dependents}) and to undo it ({@link #reversed()}). Nodes keep the order they
 * were given in (file order), which breaks every tie, so the same file always gives the same plan.
 * Building a graph checks nothing; {@link #order()} refuses unknown dependencies and cycles, and
 * {@link #cycles()} lists the cycles for a validator.
 */
public final class DependencyGraph {

    private final Map<String, List<String>> dependsOn;
    private final Map<String, List<String>> dependents;

    private DependencyGraph(Map<String, List<String>> dependsOn) {
        this.dependsOn = Collections.unmodifiableMap(dependsOn);
        Map<String, List<String>> inverse = new LinkedHashMap<>();
        dependsOn.keySet().forEach(node -> inverse.put(node, new ArrayList<>()));
        dependsOn.forEach((node, deps) -> deps.forEach(dep -> {
            List<String> list = inverse.get(dep);
            if (list != null) {
                list.add(node);
            }
        }));
        inverse.replaceAll((node, list) -> List.copyOf(list));
        this.dependents = Collections.unmodifiableMap(inverse);
    }

    /** A graph of {@code node → the nodes it depends on}, in the map's order; a node listed twice keeps its first entry. */
    public static DependencyGraph of(Map<String, ? extends Collection<String>> dependsOn) {
        Map<String, List<String>> graph = new LinkedHashMap<>();
        dependsOn.forEach((node, deps) -> graph.putIfAbsent(Objects.requireNonNull(node, "node name"),
                deps == null ? List.of() : List.copyOf(new LinkedHashSet<>(deps))));
        return new DependencyGraph(graph);
    }

    /** The services of a version, in file order. */
    public static DependencyGraph of(VersionConfig config) {
        Map<String, List<String>> graph = new LinkedHashMap<>();
        for (ServiceSpec s : config.services()) {
            graph.putIfAbsent(s.name(), s.dependsOn());
        }
        return of(graph);
    }

    public List<String> nodes() {
        return List.copyOf(dependsOn.keySet());
    }

    public boolean contains(String node) {
        return dependsOn.containsKey(node);
    }

    public List<String> dependsOn(String node) {
        return dependsOn.getOrDefault(node, List.of());
    }

    /** The nodes that depend on {@code node}. */
    public List<String> dependents(String node) {
        return dependents.getOrDefault(node, List.of());
    }

    public Map<String, List<String>> asMap() {
        return dependsOn;
    }

    /**
     * The inverted graph: a node depends on every node that depended on it. Its order is the reverse
     * order, e.g. to scale a platform down before a downtime upgrade or to roll changed services back.
     */
    public DependencyGraph reversed() {
        return new DependencyGraph(new LinkedHashMap<>(dependents));
    }

    /**
     * The topological order: every node after the nodes it depends on; of the nodes ready at the
     * same time, the one given first comes first.
     *
     * @throws IllegalArgumentException on an unknown dependency or a cycle
     */
    public List<String> order() {
        Map<String, Integer> position = new HashMap<>();
        Map<String, Integer> remaining = new HashMap<>();
        for (String node : dependsOn.keySet()) {
            position.put(node, position.size());
        }
        dependsOn.forEach((node, deps) -> {
            for (String dep : deps) {
                if (!dependsOn.containsKey(dep)) {
                    throw new IllegalArgumentException("service \"" + node + "\" depends on unknown service \"" + dep + "\"");
                }
            }
            remaining.put(node, deps.size());
        });
        PriorityQueue<String> ready = new PriorityQueue<>(Comparator.comparingInt(position::get));
        remaining.forEach((node, count) -> {
            if (count == 0) {
                ready.add(node);
            }
        });
        List<String> order = new ArrayList<>(dependsOn.size());
        while (!ready.isEmpty()) {
            String node = ready.poll();
            order.add(node);
            for (String dependent : dependents(node)) {
                if (remaining.merge(dependent, -1, Integer::sum) == 0) {
                    ready.add(dependent);
                }
            }
        }
        if (order.size() < dependsOn.size()) {
            throw new IllegalArgumentException("dependency cycle: " + describe(cycles().get(0)));
        }
        return order;
    }

    /** Longest chain of dependents below each node, counting itself: the most urgent ready node starts first. */
    public Map<String, Integer> heights() {
        List<String> order = order();
        Map<String, Integer> heights = new HashMap<>();
        for (int i = order.size() - 1; i >= 0; i--) {
            String node = order.get(i);
            int height = 1;
            for (String dependent : dependents(node)) {
                height = Math.max(height, heights.get(dependent) + 1);
            }
            heights.put(node, height);
        }
        return heights;
    }

    /**
     * One cycle per group of nodes that depend on each other (strongly connected component), as the
     * list of its members from the one given first: {@code [a, b, c]} means a depends on b, b on c,
     * c on a. A node that depends on itself gives {@code [a]}. Unknown dependencies are ignored.
     */
    public List<List<String>> cycles() {
        List<List<String>> cycles = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (String start : dependsOn.keySet()) {
            if (done.contains(start)) {
                continue;
            }
            Set<String> forward = reachable(start, dependsOn);
            if (!forward.contains(start)) {
                continue;
            }
            Set<String> component = new LinkedHashSet<>(forward);
            component.retainAll(reachable(start, dependents));
            done.addAll(component);
            cycles.add(shortestCycle(start, component));
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
    private List<String> shortestCycle(String start, Set<String> component) {
        Map<String, String> parent = new HashMap<>();
        ArrayDeque<String> queue = new ArrayDeque<>(List.of(start));
        Set<String> seen = new HashSet<>(List.of(start));
        while (!queue.isEmpty()) {
            String n = queue.poll();
            for (String d : dependsOn(n)) {
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
