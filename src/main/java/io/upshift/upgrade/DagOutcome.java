package io.upshift.upgrade;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a {@link DagRunner} run ended, with every node's outcome in the graph's order.
 * FAILED wins over STOPPED: a run that was stopped while a node failed reports the failure.
 */
public record DagOutcome<R>(Status status, Map<String, NodeOutcome<R>> nodes) {

    public enum Status {
        /** Every node succeeded or was already done. */
        SUCCEEDED,
        /** A node failed; no node was started after the failure; the ones in flight were let finish. */
        FAILED,
        /** {@link DagExecution#stop()} was called before every node had completed. */
        STOPPED
    }

    public DagOutcome {
        nodes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(nodes));
    }

    public List<String> nodesIn(NodeState state) {
        return nodes.entrySet().stream().filter(e -> e.getValue().state() == state).map(Map.Entry::getKey).toList();
    }

    /** The cause of the first failed node in graph order (not necessarily the first to fail in time). */
    public Optional<Throwable> firstFailure() {
        return nodes.values().stream().filter(n -> n.state() == NodeState.FAILED).map(NodeOutcome::cause).findFirst();
    }
}
