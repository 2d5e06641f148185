package io.upshift.upgrade;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import io.upshift.version.DependencyGraph;

/**
 * Runs a dependency graph of asynchronous steps: a node starts as soon as every node it depends on
 * has succeeded (a graph, not waves), with at most {@code parallelism} nodes in flight. No thread is
 * held while nodes run: everything happens in the callbacks of the nodes' futures (see
 * {@link DagExecution}).
 *
 * <p>The graph ({@link DependencyGraph}) maps each node to the nodes it depends on, in the order
 * nodes should be preferred when several are ready and equally urgent. It is checked when the
 * runner is made: unknown dependencies and cycles are refused.
 */
public final class DagRunner {

    private final DependencyGraph graph;
    private int parallelism = 4;
    private Set<String> alreadyDone = Set.of();

    private DagRunner(DependencyGraph graph) {
        this.graph = graph;
    }

    /** @throws IllegalArgumentException on an unknown dependency or a cycle */
    public static DagRunner of(Map<String, ? extends Collection<String>> dependsOn) {
        return of(DependencyGraph.of(dependsOn));
    }

    /** @throws IllegalArgumentException on an unknown dependency or a cycle */
    public static DagRunner of(DependencyGraph graph) {
        graph.order();
        return new DagRunner(graph);
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
        unknown.removeAll(graph.nodes());
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown nodes marked done: " + unknown);
        }
        this.alreadyDone = Set.copyOf(done);
        return this;
    }

    public DependencyGraph graph() {
        return graph;
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
        DagExecution<R> execution = new DagExecution<>(graph.asMap(), graph.heights(), parallelism, alreadyDone, start, listener);
        execution.begin();
        return execution;
    }
}
