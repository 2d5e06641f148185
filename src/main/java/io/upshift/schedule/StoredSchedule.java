package io.upshift.schedule;

import java.time.Instant;

/** A row of {@code upgrade_schedule}: the window, where it came from, and its last outcome. */
public record StoredSchedule(String id, String name, ScheduleSpec spec, String source, Instant createdAt, Instant updatedAt,
        Instant lastWindowAt, String lastOutcome, Instant lastOutcomeAt, String lastUpgradeId) {
}
