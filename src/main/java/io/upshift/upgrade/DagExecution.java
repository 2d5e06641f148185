package io.upshift.upgrade;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a {@link DagRunner}. Node completions and {@link #stop()} are queued as events and
 * drained by whichever thread finds the queue idle (a serial "actor" without a thread of its
 * own), so the scheduling state needs no lock, no user callback runs under a lock, and a future
 * that is already complete when it is returned does not recurse into the scheduler.
 */
public final class DagExecution<R> {

    private static final Logger LOG = LoggerFactory.getLogger(DagExecution.class);

    private final Map<String, List<String>> dependents = new HashMap<>();
    private final Map<String, Integer> remaining = new HashMap<>();
    private final Map<String, NodeOutcome<R>> outcomes = new ConcurrentHashMap<>();
    private final List<String> order;
    private final PriorityQueue<String> ready;
    private final int parallelism;
    private final Function<String, ? extends CompletionStage<R>> start;
    private final DagListener<? super R> listener;
    private final CompletableFuture<DagOutcome<R>> outcome = new CompletableFuture<>();

    private final Queue<Runnable> events = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingSignals = new AtomicInteger();

    // confined to the draining thread
    private int inFlight;
    private boolean stopRequested;
    private boolean failed;

    DagExecution(Map<String, List<String>> dependsOn, Map<String, Integer> heights, int parallelism,
            Set<String> alreadyDone, Function<String, ? extends CompletionStage<R>> start, DagListener<? super R> listener) {
        this.order = List.copyOf(dependsOn.keySet());
        this.parallelism = parallelism;
        this.start = start;
        this.listener = listener;
        Map<String, Integer> position = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            position.put(order.get(i), i);
        }
        this.ready = new PriorityQueue<>(Comparator.<String>comparingInt(heights::get).reversed()
                .thenComparingInt(position::get));
        dependsOn.forEach((node, deps) -> {
            dependents.computeIfAbsent(node, n -> new ArrayList<>());
            deps.forEach(dep -> dependents.computeIfAbsent(dep, n -> new ArrayList<>()).add(node));
            remaining.put(node, (int) deps.stream().filter(dep -> !alreadyDone.contains(dep)).count());
            outcomes.put(node, NodeOutcome.of(alreadyDone.contains(node) ? NodeState.SKIPPED : NodeState.NOT_STARTED));
        });
        for (String node : order) {
            if (!alreadyDone.contains(node) && remaining.get(node) == 0) {
                ready.add(node);
            }
        }
    }

    /** Completes once no node is in flight and none will be started any more. */
    public CompletableFuture<DagOutcome<R>> outcome() {
        return outcome;
    }

    /** No node starts after this; the ones in flight finish and the run ends STOPPED (or FAILED). */
    public void stop() {
        signal(() -> stopRequested = true);
    }

    /** Each node's state right now, in graph order. */
    public Map<String, NodeOutcome<R>> snapshot() {
        Map<String, NodeOutcome<R>> snapshot = new LinkedHashMap<>();
        order.forEach(node -> snapshot.put(node, outcomes.get(node)));
        return snapshot;
    }

    void begin() {
        signal(() -> { });
    }

    private void signal(Runnable event) {
        events.add(event);
        if (pendingSignals.getAndIncrement() != 0) {
            return; // another thread is draining and will see the event
        }
        int missed = 1;
        do {
            Runnable next;
            while ((next = events.poll()) != null) {
                next.run();
            }
            schedule();
            missed = pendingSignals.addAndGet(-missed);
        } while (missed != 0);
    }

    private void schedule() {
        while (!stopRequested && !failed && inFlight < parallelism && !ready.isEmpty()) {
            launch(ready.poll());
        }
        if (!outcome.isDone() && inFlight == 0 && (ready.isEmpty() || stopRequested || failed)) {
            finish();
        }
    }

    private void launch(String node) {
        inFlight++;
        outcomes.put(node, NodeOutcome.of(NodeState.RUNNING));
        notify(() -> listener.onStart(node), node);
        CompletionStage<R> stage;
        try {
            stage = start.apply(node);
            if (stage == null) {
                throw new IllegalStateException("the start function returned no future for " + node);
            }
        } catch (RuntimeException | Error e) {
            completed(node, null, e);
            return;
        }
        // runs inline when already complete: signal() then only queues the event
        stage.whenComplete((result, error) -> signal(() -> completed(node, result, error)));
    }

    private void completed(String node, R result, Throwable error) {
        inFlight--;
        if (error != null) {
            Throwable cause = unwrap(error);
            failed = true;
            outcomes.put(node, NodeOutcome.failed(cause));
            notify(() -> listener.onFinish(node, null, cause), node);
            return;
        }
        outcomes.put(node, NodeOutcome.succeeded(result));
        notify(() -> listener.onFinish(node, result, null), node);
        for (String dependent : dependents.get(node)) {
            // an already-done dependent never runs, and its own dependents never counted it
            if (outcomes.get(dependent).state() == NodeState.SKIPPED) {
                continue;
            }
            if (remaining.merge(dependent, -1, Integer::sum) == 0) {
                ready.add(dependent);
            }
        }
    }

    private void finish() {
        Map<String, NodeOutcome<R>> nodes = snapshot();
        DagOutcome.Status status;
        if (failed) {
            status = DagOutcome.Status.FAILED;
        } else if (nodes.values().stream().allMatch(NodeOutcome::completed)) {
            status = DagOutcome.Status.SUCCEEDED;
        } else {
            status = DagOutcome.Status.STOPPED;
        }
        outcome.complete(new DagOutcome<>(status, nodes));
    }

    private static void notify(Runnable call, String node) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("DAG listener failed for node {}", node, e);
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
