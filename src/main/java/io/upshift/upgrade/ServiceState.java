package io.upshift.upgrade;

/** Where one service of an upgrade stands. */
public enum ServiceState {
    PENDING,
    /** A step (rolling update, scale down or up) is under way. */
    RUNNING,
    /** Taken down by a downtime upgrade; comes back up at the target (or, on stop, the previous) image. */
    SCALED_DOWN,
    SUCCEEDED,
    ALREADY_AT_TARGET,
    FAILED,
    ROLLING_BACK,
    ROLLED_BACK,
    ROLLBACK_FAILED,
    /** Its step was under way when the upgrade was force stopped: the record shows its image and replicas. */
    INTERRUPTED,
    NOT_STARTED;

    /** Counts towards progress: the service is at its target version. */
    public boolean isDone() {
        return this == SUCCEEDED || this == ALREADY_AT_TARGET;
    }
}
