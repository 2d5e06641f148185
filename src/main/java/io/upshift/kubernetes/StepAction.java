package io.upshift.kubernetes;

/** How a service step reaches its image. A rollback is ROLLING (or SCALE_UP) with the previous image. */
public enum StepAction {
    /** Zero-downtime rolling update (maxUnavailable/maxSurge from settings), waited for by watch. */
    ROLLING,
    /** Scale to 0, wait until no replica is left, change the image, scale back, wait until ready. */
    DOWNTIME,
    /** Record the replica count in an annotation, scale to 0 and wait until no replica is left. */
    SCALE_DOWN,
    /** Set the image, scale back to the recorded count (or the current one if above 0), wait until ready. */
    SCALE_UP
}
