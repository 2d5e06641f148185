package io.upshift.notify;

import java.time.Instant;

/**
 * One event's delivery to one receiver, as {@code GET /api/notifications/deliveries} lists it:
 * {@code PENDING} (attempts made so far, the last answer), {@code DELIVERED} or {@code FAILED}
 * (every attempt failed).
 */
public record Delivery(long eventId, String receiver, State state, int attempts, Instant lastAttemptAt,
        Integer lastStatus, String lastError, Instant deliveredAt, Event event) {

    public enum State {
        PENDING, DELIVERED, FAILED
    }
}
