package io.upshift.upgrade;

/**
 * When an upgrade runs a job. {@link #BEFORE} (the version's {@code jobs.before}): before the first
 * service changes in zero-downtime mode, once every service is down in downtime mode (the "update
 * data" step); {@link #SERVICE_BEFORE}: right before its service changes; {@link #AFTER}: once every
 * service is at the target and ready.
 */
public enum JobStage {
    BEFORE, SERVICE_BEFORE, AFTER
}
