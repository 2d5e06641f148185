package io.upshift.web;

import java.time.Instant;
import java.util.Optional;

/**
 * Where {@link LoginThrottle} keeps its counts: in memory ({@link #inMemory()}) or in the database
 * every replica shares ({@link JdbcAttemptStore}), so an address cannot spread its guesses over the
 * replicas. Calls may block (JDBC): never from an event loop.
 */
public interface AttemptStore {

    /** Attempts in a row under one key, and when the last one came. */
    record Attempts(int count, Instant last) {
    }

    Optional<Attempts> find(String key);

    /** One more attempt now; a count last touched before {@code staleBefore} starts again at one. */
    void add(String key, Instant now, Instant staleBefore);

    void remove(String key);

    /** One attempt fewer; the key goes at zero. */
    void giveBack(String key);

    static AttemptStore inMemory() {
        return new AttemptStore() {
            private static final int MAX_TRACKED = 10_000;
            private final java.util.Map<String, Attempts> attempts = new java.util.concurrent.ConcurrentHashMap<>();

            @Override
            public Optional<Attempts> find(String key) {
                return Optional.ofNullable(attempts.get(key));
            }

            @Override
            public void add(String key, Instant now, Instant staleBefore) {
                if (attempts.size() > MAX_TRACKED) {
                    attempts.values().removeIf(a -> a.last().isBefore(staleBefore));
                }
                attempts.compute(key, (k, old) -> new Attempts(
                        (old == null || old.last().isBefore(staleBefore) ? 0 : old.count()) + 1, now));
            }

            @Override
            public void remove(String key) {
                attempts.remove(key);
            }

            @Override
            public void giveBack(String key) {
                attempts.computeIfPresent(key, (k, a) -> a.count() <= 1 ? null : new Attempts(a.count() - 1, a.last()));
            }
        };
    }
}
