package io.upshift.upgrade;

import java.time.Instant;

/** A live row of the platform lock: who holds {@code key}, on which instance, until when. */
public record Lease(String key, String holder, String ownerInstance, Instant acquiredAt, Instant expiresAt) {
}
