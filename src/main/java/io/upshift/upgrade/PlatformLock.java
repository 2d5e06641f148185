package io.upshift.upgrade;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

import javax.sql.DataSource;

/**
 * A crash-safe lock in the application's database, shared by every replica: a lease per key with a
 * holder (the upgrade id), the instance that runs it and an expiry. A holder that stops renewing
 * its lease (crash, kill -9) loses it once the lease has expired; a live one never does.
 *
 * <p>Every write is one atomic statement in auto-commit: the INSERT of a free key, or the
 * conditional UPDATE that takes over an expired lease; a duplicate key means "taken", never an
 * error. Expiry is judged with this process's {@link Clock}, so replicas' clocks must agree to well
 * within the lease duration.
 */
public class PlatformLock {

    /** The key of the platform-wide upgrade lock. */
    public static final String PLATFORM = "platform";

    private static final String UNIQUE_VIOLATION = "23505";
    private static final int ATTEMPTS = 5;

    private final DataSource dataSource;
    private final Clock clock;
    private final String instanceId;
    private final Duration lease;

    public PlatformLock(DataSource dataSource, Clock clock, String instanceId, Duration lease) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
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
        return update(key, "DELETE FROM platform_lock WHERE lock_key = ? AND holder = ?", key, holder) == 1;
    }

    /**
     * Renews the lease of {@code holder} on this instance for another lease duration.
     *
     * @throws LockLostException when the lease was taken over or released
     */
    public void heartbeat(String key, String holder) {
        int renewed = update(key, "UPDATE platform_lock SET expires_at = ? WHERE lock_key = ? AND holder = ? AND owner_instance = ?",
                at(clock.instant().plus(lease)), key, holder, instanceId);
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
        String sql = "SELECT holder, owner_instance, acquired_at, expires_at FROM platform_lock WHERE lock_key = ? AND expires_at >= ?";
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, key);
            statement.setObject(2, at(clock.instant()));
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Lease(key, row.getString(1), row.getString(2),
                        row.getObject(3, OffsetDateTime.class).toInstant(), row.getObject(4, OffsetDateTime.class).toInstant()));
            }
        } catch (SQLException e) {
            throw failure("read", key, e);
        }
    }

    /** Releases {@code key} whoever holds it (an operator's force stop). */
    public boolean forceRelease(String key) {
        return update(key, "DELETE FROM platform_lock WHERE lock_key = ?", key) == 1;
    }

    /** Releases every key. */
    public int forceReleaseAll() {
        return update("*", "DELETE FROM platform_lock");
    }

    public String instanceId() {
        return instanceId;
    }

    public Duration leaseDuration() {
        return lease;
    }

    private boolean insert(String key, String holder, Instant now) {
        try {
            update0("INSERT INTO platform_lock (lock_key, holder, owner_instance, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                    key, holder, instanceId, at(now), at(now.plus(lease)));
            return true;
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return false;
            }
            throw failure("acquire", key, e);
        }
    }

    /** One conditional UPDATE: the database re-checks the condition on the row it locks, so one taker wins. */
    private boolean takeOver(String key, String holder, Instant now) {
        return update(key, "UPDATE platform_lock SET holder = ?, owner_instance = ?, acquired_at = ?, expires_at = ? "
                + "WHERE lock_key = ? AND (expires_at < ? OR (holder = ? AND owner_instance = ?))",
                holder, instanceId, at(now), at(now.plus(lease)), key, at(now), holder, instanceId) == 1;
    }

    /** The holder of the row, live or not: after a failed takeover the row is live unless it just expired. */
    private Optional<String> currentHolder(String key) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT holder FROM platform_lock WHERE lock_key = ?")) {
            statement.setString(1, key);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("read", key, e);
        }
    }

    private int update(String key, String sql, Object... parameters) {
        try {
            return update0(sql, parameters);
        } catch (SQLException e) {
            throw failure("update", key, e);
        }
    }

    /** Auto-commit: each statement is its own transaction (on PostgreSQL a failed INSERT would poison a longer one). */
    private int update0(String sql, Object... parameters) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.getAutoCommit()) {
                connection.setAutoCommit(true);
            }
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    statement.setObject(i + 1, parameters[i]);
                }
                return statement.executeUpdate();
            }
        }
    }

    private static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static IllegalStateException failure(String what, String key, SQLException e) {
        return new IllegalStateException("platform lock: could not " + what + " " + key + ": " + e.getMessage(), e);
    }
}
