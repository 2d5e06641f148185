package io.upshift.upgrade;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import io.upshift.version.ServiceSpec;

/**
 * Runs a dependency graph of asynchronous steps: a node starts as soon as every node it depends on
 * has succeeded (a graph, not waves), with at most {@code parallelism} nodes in flight. No thread is
 * held while nodes run: everything happens in the callbacks of the nodes' futures (see
 * {@link DagExecution}).
 *
 * <p>The graph maps each node to the nodes it depends on ({@code dependsOn}), in the order nodes
 * should be preferred when several are ready and equally urgent. It is checked when the runner is
 * made: unknown dependencies and cycles are refused.
 */
public final class DagRunner {

    private final Map<String, List<String>> dependsOn;
    private int parallelism = 4;
    private Set<String> alreadyDone = Set.of();

    private DagRunner(Map<String, List<String>> dependsOn) {
        this.dependsOn = dependsOn;
    }

    /** @throws IllegalArgumentException on an unknown dependency or a cycle */
    public static DagRunner of(Map<String, ? extends Collection<String>> dependsOn) {
        Map<String, List<String>> graph = copy(dependsOn);
        topologicalOrder(graph);
        return new DagRunner(graph);
    }

    /** The graph of a version's services ({@code name → dependsOn}), in the config's order. */
    public static Map<String, List<String>> graphOf(Collection<ServiceSpec> services) {
        Map<String, List<String>> graph = new LinkedHashMap<>();
        for (ServiceSpec service : services) {
            if (graph.put(service.name(), service.dependsOn()) != null) {
                throw new IllegalArgumentException("service " + service.name() + " is listed twice");
            }
        }
        return Collections.unmodifiableMap(graph);
    }

    /**
     * The inverted graph: a node depends on every node that depended on it. Running it gives the
     * reverse order (a node starts once all its dependents are done), e.g. to scale a platform down
     * before a downtime upgrade or to roll changed services back.
     */
    public static Map<String, List<String>> reverse(Map<String, ? extends Collection<String>> dependsOn) {
        Map<String, List<String>> graph = copy(dependsOn);
        Map<String, List<String>> reversed = new LinkedHashMap<>();
        graph.keySet().forEach(node -> reversed.put(node, new ArrayList<>()));
        graph.forEach((node, deps) -> deps.forEach(dep -> {
            List<String> dependents = reversed.get(dep);
            if (dependents == null) {
                throw new IllegalArgumentException(node + " depends on unknown node " + dep);
            }
            dependents.add(node);
        }));
        reversed.replaceAll((node, deps) -> List.copyOf(deps));
        return Collections.unmodifiableMap(reversed);
    }

    /** At most this many nodes in flight at once (default 4). */
    public DagRunner parallelism(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
        }
        this.parallelism = parallelism;
        return this;
    }

    /** Nodes already done (resume): they are not started and count as completed for their dependents. */
    public DagRunner alreadyDone(Collection<String> done) {
        Set<String> unknown = new LinkedHashSet<>(done);
        unknown.removeAll(dependsOn.keySet());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown nodes marked done: " + unknown);
        }
        this.alreadyDone = Set.copyOf(done);
        return this;
    }

    public Map<String, List<String>> graph() {
        return dependsOn;
    }

    public <R> DagExecution<R> start(Function<String, ? extends CompletionStage<R>> start) {
        return start(start, new DagListener<R>() { });
    }

    /**
     * Starts the run and returns at once. The first ready nodes are started on the calling thread;
     * every later start happens on the thread that completed the future that made it ready.
     */
    public <R> DagExecution<R> start(Function<String, ? extends CompletionStage<R>> start, DagListener<? super R> listener) {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(listener, "listener");
        DagExecution<R> execution = new DagExecution<>(dependsOn, heights(), parallelism, alreadyDone, start, listener);
        execution.begin();
        return execution;
    }

    /** Longest chain of dependents below each node, counting itself: the most urgent ready node starts first. */
    private Map<String, Integer> heights() {
        List<String> order = topologicalOrder(dependsOn);
        Map<String, List<String>> dependents = reverse(dependsOn);
        Map<String, Integer> heights = new LinkedHashMap<>();
        for (int i = order.size() - 1; i >= 0; i--) {
            String node = order.get(i);
            int height = 1;
            for (String dependent : dependents.get(node)) {
                height = Math.max(height, heights.get(dependent) + 1);
            }
            heights.put(node, height);
        }
        return heights;
    }

    private static Map<String, List<String>> copy(Map<String, ? extends Collection<String>> dependsOn) {
        Map<String, List<String>> graph = new LinkedHashMap<>();
        dependsOn.forEach((node, deps) -> graph.put(Objects.requireNonNull(node, "node name"),
                deps == null ? List.of() : List.copyOf(new LinkedHashSet<>(deps))));
        return Collections.unmodifiableMap(graph);
    }

    /** Kahn's algorithm; refuses unknown dependencies and cycles. */
    private static List<String> topologicalOrder(Map<String, List<String>> graph) {
        Map<String, Integer> remaining = new LinkedHashMap<>();
        Map<String, List<String>> dependents = new LinkedHashMap<>();
        graph.keySet().forEach(node -> dependents.put(node, new ArrayList<>()));
        graph.forEach((node, deps) -> {
            for (String dep : deps) {
                if (!graph.containsKey(dep)) {
                    throw new IllegalArgumentException(node + " depends on unknown node " + dep);
                }
                if (dep.equals(node)) {
                    throw new IllegalArgumentException(node + " depends on itself");
                }
                dependents.get(dep).add(node);
            }
            remaining.put(node, deps.size());
        });
        Deque<String> ready = new ArrayDeque<>();
        remaining.forEach((node, count) -> {
            if (count == 0) {
                ready.add(node);
            }
        });
        List<String> order = new ArrayList<>(graph.size());
        while (!ready.isEmpty()) {
            String node = ready.poll();
            order.add(node);
            for (String dependent : dependents.get(node)) {
                if (remaining.merge(dependent, -1, Integer::sum) == 0) {
                    ready.add(dependent);
                }
            }
        }
        if (order.size() < graph.size()) {
            List<String> inCycle = graph.keySet().stream().filter(node -> remaining.get(node) > 0).toList();
            throw new IllegalArgumentException("dependency cycle among " + inCycle);
        }
        return order;
    }
}
