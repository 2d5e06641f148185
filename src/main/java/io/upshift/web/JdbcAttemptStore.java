package io.upshift.web;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import io.upshift.store.Jdbc;

/**
 * Login attempts in the shared database ({@code login_attempt}, migration V21): one row per key,
 * changed by single conditional statements, so concurrent replicas never lose a count. Rows
 * untouched for {@code forgetAfter} are removed, at most once per {@code purgeInterval}.
 */
public final class JdbcAttemptStore implements AttemptStore {

    private final Jdbc db;
    private final Clock clock;
    private final Duration forgetAfter;
    private final Duration purgeInterval;
    private final AtomicLong nextPurge = new AtomicLong();

    public JdbcAttemptStore(Jdbc db, Clock clock, Duration forgetAfter, Duration purgeInterval) {
        this.db = db;
        this.clock = clock;
        this.forgetAfter = forgetAfter;
        this.purgeInterval = purgeInterval;
    }

    @Override
    public Optional<Attempts> find(String key) {
        return db.one("SELECT attempts, last_at FROM login_attempt WHERE attempt_key = ?",
                row -> new Attempts(row.getInt(1), Instant.ofEpochMilli(row.getLong(2))), key);
    }

    @Override
    public void add(String key, Instant now, Instant staleBefore) {
        purge();
        String increment = "UPDATE login_attempt SET attempts = CASE WHEN last_at < ? THEN 1 ELSE attempts + 1 END,"
                + " last_at = ? WHERE attempt_key = ?";
        if (db.update(increment, staleBefore.toEpochMilli(), now.toEpochMilli(), key) == 1) {
            return;
        }
        try {
            db.updateOrThrow("INSERT INTO login_attempt (attempt_key, attempts, last_at) VALUES (?, 1, ?)", key, now.toEpochMilli());
        } catch (SQLException e) {
            if (!Jdbc.isDuplicateKey(e)) {
                throw new IllegalStateException("could not count a login attempt", e);
            }
            db.update(increment, staleBefore.toEpochMilli(), now.toEpochMilli(), key); // another replica inserted first
        }
    }

    @Override
    public void remove(String key) {
        db.update("DELETE FROM login_attempt WHERE attempt_key = ?", key);
    }

    @Override
    public void giveBack(String key) {
        db.update("DELETE FROM login_attempt WHERE attempt_key = ? AND attempts <= 1", key);
        db.update("UPDATE login_attempt SET attempts = attempts - 1 WHERE attempt_key = ? AND attempts > 1", key);
    }

    private void purge() {
        long now = clock.millis();
        long due = nextPurge.get();
        if (now >= due && nextPurge.compareAndSet(due, now + purgeInterval.toMillis())) {
            db.update("DELETE FROM login_attempt WHERE last_at < ?", now - forgetAfter.toMillis());
        }
    }
}
