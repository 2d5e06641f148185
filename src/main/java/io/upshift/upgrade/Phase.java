package io.upshift.upgrade;

/**
 * Which pass over the services an active upgrade is in: the {@code phase} beside its state. A
 * zero-downtime upgrade rolls ({@link #ROLLING}); a downtime upgrade scales everything down in
 * reverse dependency order, then up at the target in dependency order. {@link #ROLLBACK} puts back
 * the services a failed upgrade changed; {@link #RESTORE} puts a stopped downtime upgrade's
 * platform back at the previous version (the services taken down come back up at their previous
 * image, and any already up at the target go back too, so versions are not mixed); {@link #FINISH} lets the services that
 * were mid-roll when a zero-downtime upgrade was stopped finish their step (after a restart).
 */
public enum Phase {
    ROLLING, SCALE_DOWN, SCALE_UP, ROLLBACK, RESTORE, FINISH;

    /** A phase that moves services towards the target. */
    public boolean isForward() {
        return this == ROLLING || this == SCALE_DOWN || this == SCALE_UP;
    }
}
