package io.upshift.notify;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One domain event of Upshift, as stored in the outbox and sent to receivers. {@code stage} is the
 * state, with the phase when there is one ({@code UPGRADING/SCALE_DOWN}); {@code by} is who caused
 * it (the requester, or the operator of an action); {@code scheduleId} only for schedule events.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Event(EventType type, Instant at, String upgradeId, String scheduleId, String stage,
        String fromVersion, String targetVersion, String mode, String trigger, String by, String message) {
}
