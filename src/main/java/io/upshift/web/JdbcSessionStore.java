package io.upshift.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

import io.upshift.store.Jdbc;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.VertxContextPRNG;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.sstore.SessionStore;
import io.vertx.ext.web.sstore.impl.SharedDataSessionImpl;

/**
 * Console sessions in the application's database ({@code web_session}, migration V21), so every
 * replica serves every session, and a logout, a password change or an expiry on one holds on all.
 * <p>Rows are keyed by the SHA-256 of the session id (a reader of the database gets no usable
 * cookie). Versions as Vert.x's own stores keep them: a put with a stale version fails. A read of a
 * live session records the access, so the idle timeout counts from the last request on any replica,
 * whether or not the session's data changed. Expired rows are removed when read, and all of them at
 * most once per {@code purgeInterval}.
 * <p>Reads and deletes run on Vert.x's worker pool. A put runs where it is called: Vert.x stores a
 * changed session as the answer's headers are written, without waiting, so a put on a worker could
 * still be running when the browser sends its next requests, which would then read the session
 * without, say, the CSRF token this answer's cookie carries. One short indexed write per changed
 * session (only logged-on users have one) is the price of the answer meaning what it says.
 */
public final class JdbcSessionStore implements SessionStore {

    private final Jdbc db;
    private final Clock clock;
    private final Duration purgeInterval;
    private final AtomicLong nextPurge = new AtomicLong();
    private Vertx vertx;
    private VertxContextPRNG random;

    public JdbcSessionStore(Jdbc db, Clock clock, Duration purgeInterval) {
        this.db = db;
        this.clock = clock;
        this.purgeInterval = purgeInterval;
    }

    @Override
    public SessionStore init(Vertx vertx, JsonObject options) {
        this.vertx = vertx;
        this.random = VertxContextPRNG.current(vertx);
        return this;
    }

    @Override
    public long retryTimeout() {
        return 0;
    }

    @Override
    public Session createSession(long timeout) {
        return createSession(timeout, DEFAULT_SESSIONID_LENGTH);
    }

    @Override
    public Session createSession(long timeout, int length) {
        return new SharedDataSessionImpl(random, timeout, length);
    }

    @Override
    public Future<Session> get(String id) {
        return blocking(() -> {
            long now = clock.millis();
            String key = key(id);
            Session session = db.one("SELECT data, last_accessed, timeout_ms FROM web_session WHERE id_sha256 = ?", row -> {
                if (row.getLong(2) + row.getLong(3) < now) {
                    return null;
                }
                SharedDataSessionImpl stored = new SharedDataSessionImpl(random);
                stored.readFromBuffer(0, Buffer.buffer(Base64.getDecoder().decode(row.getString(1))));
                return stored;
            }, key).orElse(null);
            if (session == null) {
                db.update("DELETE FROM web_session WHERE id_sha256 = ? AND last_accessed + timeout_ms < ?", key, now);
            } else {
                db.update("UPDATE web_session SET last_accessed = ? WHERE id_sha256 = ?", now, key);
                ((SharedDataSessionImpl) session).setAccessed();
            }
            return session;
        });
    }

    @Override
    public Future<Void> delete(String id) {
        return blocking(() -> {
            db.update("DELETE FROM web_session WHERE id_sha256 = ?", key(id));
            return null;
        });
    }

    @Override
    public Future<Void> put(Session session) {
        SharedDataSessionImpl stored = (SharedDataSessionImpl) session;
        return now(() -> {
            purgeExpired();
            int version = stored.version();
            stored.incrementVersion();
            Buffer data = Buffer.buffer();
            stored.writeToBuffer(data);
            String encoded = Base64.getEncoder().encodeToString(data.getBytes());
            String key = key(stored.id());
            long now = clock.millis();
            if (db.update("UPDATE web_session SET data = ?, version = ?, last_accessed = ?, timeout_ms = ?"
                    + " WHERE id_sha256 = ? AND version = ?", encoded, stored.version(), now, stored.timeout(), key, version) == 1) {
                return null;
            }
            try {
                db.updateOrThrow("INSERT INTO web_session (id_sha256, data, version, last_accessed, timeout_ms)"
                        + " VALUES (?, ?, ?, ?, ?)", key, encoded, stored.version(), now, stored.timeout());
                return null;
            } catch (SQLException e) {
                if (Jdbc.isDuplicateKey(e)) { // stored meanwhile, or at another version
                    throw new IllegalStateException("Session version mismatch");
                }
                throw new IllegalStateException("could not store a session", e);
            }
        });
    }

    @Override
    public Future<Void> clear() {
        return blocking(() -> {
            db.update("DELETE FROM web_session");
            return null;
        });
    }

    @Override
    public Future<Integer> size() {
        return blocking(() -> db.one("SELECT COUNT(*) FROM web_session", row -> row.getInt(1)).orElse(0));
    }

    @Override
    public void close() {
        // the data source is the application's; nothing of our own to close
    }

    private void purgeExpired() {
        long now = clock.millis();
        long due = nextPurge.get();
        if (now >= due && nextPurge.compareAndSet(due, now + purgeInterval.toMillis())) {
            db.update("DELETE FROM web_session WHERE last_accessed + timeout_ms < ?", now);
        }
    }

    private static <T> Future<T> now(Callable<T> work) {
        try {
            return Future.succeededFuture(work.call());
        } catch (Exception e) {
            return Future.failedFuture(e);
        }
    }

    private <T> Future<T> blocking(Callable<T> work) {
        return vertx.executeBlocking(work, false);
    }

    static String key(String id) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
