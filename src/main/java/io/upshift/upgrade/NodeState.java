package io.upshift.upgrade;

/** Where one node of a {@link DagRunner} run stands. */
public enum NodeState {
    /** Not started: waiting for its dependencies, or never started because the run failed or was stopped. */
    NOT_STARTED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    /** Marked done before the run started (resume): counts as completed, never started. */
    SKIPPED
}
