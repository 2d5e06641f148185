package io.upshift.upgrade;

/** The state of one node with its result (when it succeeded) or its cause (when it failed). */
public record NodeOutcome<R>(NodeState state, R result, Throwable cause) {

    static <R> NodeOutcome<R> of(NodeState state) {
        return new NodeOutcome<>(state, null, null);
    }

    static <R> NodeOutcome<R> succeeded(R result) {
        return new NodeOutcome<>(NodeState.SUCCEEDED, result, null);
    }

    static <R> NodeOutcome<R> failed(Throwable cause) {
        return new NodeOutcome<>(NodeState.FAILED, null, cause);
    }

    /** Succeeded in this run or skipped as already done. */
    public boolean completed() {
        return state == NodeState.SUCCEEDED || state == NodeState.SKIPPED;
    }
}
