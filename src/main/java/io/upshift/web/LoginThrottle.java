package io.upshift.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing. Each user name and each client address has a count of failed logins
 * in a row; after {@code freeAttempts} of them, the next attempt is refused (429, without
 * checking the password) until a wait that doubles with each further failure, from
 * {@code baseDelay} up to {@code maxDelay}. A success clears the user's count; an address's
 * count is forgotten after {@code maxDelay} without failures.
 */
public class LoginThrottle {

    private static final int MAX_TRACKED = 10_000;

    private record Failures(int count, Instant last, Instant blockedUntil) {
    }

    private final Clock clock;
    private final int freeAttempts;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();
    private final FailedLogins listener;

    /** Told of every failed login (password or API token): the metrics and the audit trail. */
    @FunctionalInterface
    public interface FailedLogins {
        void failed(String user, String address);
    }

    public LoginThrottle(Clock clock, int freeAttempts, Duration baseDelay, Duration maxDelay) {
        this(clock, freeAttempts, baseDelay, maxDelay, (user, address) -> { });
    }

    public LoginThrottle(Clock clock, int freeAttempts, Duration baseDelay, Duration maxDelay, FailedLogins listener) {
        this.listener = listener;
        this.clock = clock;
        this.freeAttempts = freeAttempts;
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
    }

    /** How long this user or address must still wait; zero when an attempt may be made now. */
    public Duration waitFor(String user, String address) {
        Instant now = clock.instant();
        Duration wait = Duration.ZERO;
        for (String key : keys(user, address)) {
            Failures f = current(key, now);
            if (f != null && f.blockedUntil().isAfter(now)) {
                Duration remaining = Duration.between(now, f.blockedUntil());
                wait = remaining.compareTo(wait) > 0 ? remaining : wait;
            }
        }
        return wait;
    }

    /** Records a failed attempt; answers the failures in a row for the user name. */
    public int failed(String user, String address) {
        listener.failed(user, address);
        Instant now = clock.instant();
        if (failures.size() > MAX_TRACKED) {
            failures.entrySet().removeIf(e -> current(e.getKey(), now) == null);
        }
        int userCount = 0;
        for (String key : keys(user, address)) {
            Failures f = failures.compute(key, (k, old) -> {
                int count = (old == null || stale(old, now) ? 0 : old.count()) + 1;
                return new Failures(count, now, now.plus(delay(count)));
            });
            if (key.startsWith("user:")) {
                userCount = f.count();
            }
        }
        return userCount;
    }

    public void succeeded(String user) {
        failures.remove("user:" + user);
    }

    Duration delay(int count) {
        if (count < freeAttempts) {
            return Duration.ZERO;
        }
        int doublings = Math.min(count - freeAttempts, 30);
        Duration delay = baseDelay.multipliedBy(1L << doublings);
        return delay.compareTo(maxDelay) > 0 ? maxDelay : delay;
    }

    private Failures current(String key, Instant now) {
        Failures f = failures.get(key);
        return f == null || stale(f, now) ? null : f;
    }

    private boolean stale(Failures f, Instant now) {
        return f.blockedUntil().isBefore(now) && f.last().plus(maxDelay).isBefore(now);
    }

    private static String[] keys(String user, String address) {
        return new String[] {"user:" + user, "ip:" + address};
    }
}
