package io.upshift.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import io.upshift.upgrade.UpgradeMode;
import io.upshift.upgrade.UpgradeRequest;

/**
 * A validated upgrade window: either a one-off {@code at} or a recurring {@code cron}, both read in
 * {@code zone} (for {@code at}, the zone or offset it was written with).
 */
public record ScheduleSpec(String targetVersion, UpgradeMode mode, boolean acceptRisk, boolean allowDowngrade,
        String requestedBy, Instant at, String cron, ZoneId zone, int windowMinutes, boolean acceptWarnings) {

    public static final int DEFAULT_WINDOW_MINUTES = 60;

    public boolean recurring() {
        return cron != null;
    }

    public Duration window() {
        return Duration.ofMinutes(windowMinutes);
    }

    /** The request a window opening at {@code opensAt} makes: the pipeline must not start new downtime work after its end. */
    public UpgradeRequest upgradeRequest(String scheduleId, Instant opensAt) {
        String by = requestedBy != null ? requestedBy : "schedule " + scheduleId;
        return new UpgradeRequest(targetVersion, mode, acceptRisk, by, allowDowngrade, opensAt.plus(window()), acceptWarnings);
    }
}
