package io.upshift.upgrade;

/** Where one service of an upgrade stands. */
public enum ServiceState {
    PENDING, RUNNING, SUCCEEDED, ALREADY_AT_TARGET, FAILED, ROLLING_BACK, ROLLED_BACK, NOT_STARTED;

    /** Counts towards progress: the service is at its target version. */
    public boolean isDone() {
        return this == SUCCEEDED || this == ALREADY_AT_TARGET;
    }
}
