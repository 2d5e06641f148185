package io.upshift.schedule;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.upshift.upgrade.UpgradeMode;

/**
 * A schedule as the API shows it. Fire times are written in the schedule's time zone;
 * {@code nextFireTime} is null once a one-off window has fired (or a cron never fires again).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Schedule(String id, String name, String targetVersion, UpgradeMode mode, boolean acceptRisk,
        boolean allowDowngrade, boolean acceptWarnings, String requestedBy, OffsetDateTime at, String cron, String timeZone, int windowMinutes,
        String source, Instant createdAt, Instant updatedAt, OffsetDateTime nextFireTime, List<OffsetDateTime> nextFireTimes,
        Instant lastWindowAt, String lastOutcome, Instant lastOutcomeAt, String lastUpgradeId) {

    static Schedule of(StoredSchedule stored, List<Instant> nextFires) {
        ScheduleSpec spec = stored.spec();
        List<OffsetDateTime> fires = nextFires.stream().map(t -> OffsetDateTime.ofInstant(t, spec.zone())).toList();
        return new Schedule(stored.id(), stored.name(), spec.targetVersion(), spec.mode(), spec.acceptRisk(),
                spec.allowDowngrade(), spec.acceptWarnings(), spec.requestedBy(),
                spec.at() == null ? null : OffsetDateTime.ofInstant(spec.at(), spec.zone()), spec.cron(), spec.zone().getId(),
                spec.windowMinutes(), stored.source(), stored.createdAt(), stored.updatedAt(),
                fires.isEmpty() ? null : fires.get(0), fires, stored.lastWindowAt(), stored.lastOutcome(),
                stored.lastOutcomeAt(), stored.lastUpgradeId());
    }
}
