package io.upshift.upgrade;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

import io.upshift.store.Jdbc;

/**
 * A crash-safe lock in the application's database, shared by every replica: a lease per key with a
 * holder (the upgrade id), the instance that runs it and an expiry. A holder that stops renewing
 * its lease (crash, kill -9) loses it once the lease has expired; a live one never does.
 *
 * <p>Every write is one atomic statement in auto-commit (on PostgreSQL a failed INSERT would poison a
 * longer transaction): the INSERT of a free key, or the
 * conditional UPDATE that takes over an expired lease; a duplicate key means "taken", never an
 * error. Expiry is judged with this process's {@link Clock}, so replicas' clocks must agree to well
 * within the lease duration.
 */
public class PlatformLock {

    /** The key of the platform-wide upgrade lock. */
    public static final String PLATFORM = "platform";

    private static final int ATTEMPTS = 5;

    private final Jdbc jdbc;
    private final Clock clock;
    private final String instanceId;
    private final Duration lease;

    public PlatformLock(DataSource dataSource, Clock clock, String instanceId, Duration lease) {
        this.jdbc = new Jdbc(Objects.requireNonNull(dataSource, "dataSource"));
        this.clock = Objects.requireNonNull(clock, "clock");
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        this.lease = Objects.requireNonNull(lease, "lease");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("the lease must be positive, was " + lease);
        }
    }

    /**
     * Takes {@code key} for {@code holder}. Succeeds when the key is free, its lease has expired, or
     * it is already this holder's on this instance (a restarted process resuming its upgrade;
     * the lease is renewed). The same holder on another instance waits for the lease to expire.
     *
     * @return empty when acquired, else the holder of the live lease
     */
    public Optional<String> tryAcquire(String key, String holder) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(holder, "holder");
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Instant now = clock.instant();
            if (insert(key, holder, now)) {
                return Optional.empty();
            }
            if (takeOver(key, holder, now)) {
                return Optional.empty();
            }
            Optional<String> current = currentHolder(key);
            if (current.isPresent()) {
                return current;
            }
            // released between our INSERT and SELECT: try again
        }
        throw new IllegalStateException("lock " + key + " changed hands " + ATTEMPTS + " times while acquiring it");
    }

    /** Releases {@code key} when {@code holder} holds it (on any instance); someone else's lease is left alone. */
    public boolean release(String key, String holder) {
        return jdbc.update("DELETE FROM platform_lock WHERE lock_key = ? AND holder = ?", key, holder) == 1;
    }

    /**
     * Releases {@code key} when {@code holder} holds it on this instance: a replica handing its
     * upgrade over never frees a lease another replica has taken since.
     */
    public boolean releaseOwn(String key, String holder) {
        return jdbc.update("DELETE FROM platform_lock WHERE lock_key = ? AND holder = ? AND owner_instance = ?",
                key, holder, instanceId) == 1;
    }

    /**
     * Renews the lease of {@code holder} on this instance for another lease duration.
     *
     * @throws LockLostException when the lease was taken over or released
     */
    public void heartbeat(String key, String holder) {
        int renewed = jdbc.update("UPDATE platform_lock SET expires_at = ? WHERE lock_key = ? AND holder = ? AND owner_instance = ?",
                clock.instant().plus(lease), key, holder, instanceId);
        if (renewed != 1) {
            throw new LockLostException(key, holder);
        }
    }

    /** The holder of the live lease on {@code key}, if any. */
    public Optional<String> holder(String key) {
        return lease(key).map(Lease::holder);
    }

    /** The live lease on {@code key}, if any (an expired row is as good as free). */
    public Optional<Lease> lease(String key) {
        return jdbc.one("SELECT holder, owner_instance, acquired_at, expires_at FROM platform_lock WHERE lock_key = ?"
                + " AND expires_at >= ?", row -> new Lease(key, row.getString(1), row.getString(2), Jdbc.instant(row, 3),
                        Jdbc.instant(row, 4)), key, clock.instant());
    }

    /** Releases {@code key} whoever holds it (an operator's force stop). */
    public boolean forceRelease(String key) {
        return jdbc.update("DELETE FROM platform_lock WHERE lock_key = ?", key) == 1;
    }

    /** Releases every key. */
    public int forceReleaseAll() {
        return jdbc.update("DELETE FROM platform_lock");
    }

    public String instanceId() {
        return instanceId;
    }

    public Duration leaseDuration() {
        return lease;
    }

    private boolean insert(String key, String holder, Instant now) {
        try {
            jdbc.updateOrThrow("INSERT INTO platform_lock (lock_key, holder, owner_instance, acquired_at, expires_at)"
                    + " VALUES (?, ?, ?, ?, ?)", key, holder, instanceId, now, now.plus(lease));
            return true;
        } catch (SQLException e) {
            if (Jdbc.isDuplicateKey(e)) {
                return false;
            }
            throw new IllegalStateException("platform lock: could not acquire " + key + ": " + e.getMessage(), e);
        }
    }

    /** One conditional UPDATE: the database re-checks the condition on the row it locks, so one taker wins. */
    private boolean takeOver(String key, String holder, Instant now) {
        return jdbc.update("UPDATE platform_lock SET holder = ?, owner_instance = ?, acquired_at = ?, expires_at = ? "
                + "WHERE lock_key = ? AND (expires_at < ? OR (holder = ? AND owner_instance = ?))",
                holder, instanceId, now, now.plus(lease), key, now, holder, instanceId) == 1;
    }

    /** The holder of the row, live or not: after a failed takeover the row is live unless it just expired. */
    private Optional<String> currentHolder(String key) {
        return jdbc.one("SELECT holder FROM platform_lock WHERE lock_key = ?", row -> row.getString(1), key);
    }
}
