package io.upshift.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Slows password guessing without letting anyone lock a user out. Attempts are counted per
 * (user name, client address) and per client address, <em>before</em> the password is checked, so
 * a burst is throttled as it arrives rather than after it has been hashed in full. After
 * {@code freeAttempts} for a pair ({@code addressFreeAttempts} for an address), the next attempt
 * is refused (429, without checking the password) for a wait that doubles with each further
 * attempt, from {@code baseDelay} up to {@code maxDelay}. A success forgets the pair's count and
 * gives its attempt back to the address. Nothing is counted per user name alone: a stranger's
 * failures for {@code admin} never make {@code admin}'s right password wait on another address.
 * <p>The counts live in an {@link AttemptStore}: the shared database for the running application,
 * so replicas count an address's attempts together. Every method may block (JDBC): call them off
 * the event loop.
 */
public class LoginThrottle {

    /** Settings (application.properties, upshift.auth.throttle.*). */
    public record Limits(int freeAttempts, int addressFreeAttempts, Duration baseDelay, Duration maxDelay) {
    }

    private final Clock clock;
    private final Limits limits;
    private final AttemptStore attempts;
    private final FailedLogins listener;

    /** Told of every failed login (password or API token): the metrics and the audit trail. */
    @FunctionalInterface
    public interface FailedLogins {
        void failed(String user, String address);
    }

    public LoginThrottle(Clock clock, Limits limits, AttemptStore attempts, FailedLogins listener) {
        this.clock = clock;
        this.limits = limits;
        this.attempts = attempts;
        this.listener = listener;
    }

    /** Counts kept in this process only, failures told to no one. */
    public LoginThrottle(Clock clock, Limits limits) {
        this(clock, limits, AttemptStore.inMemory(), (user, address) -> { });
    }

    /**
     * Counts an attempt about to be checked and answers zero; or, when the pair or the address
     * must still wait, counts nothing and answers how long.
     */
    public Duration attempt(String user, String address) {
        Instant now = clock.instant();
        Duration wait = waitFor(user, address, now);
        if (!wait.isZero()) {
            return wait;
        }
        count(user, address, now);
        return Duration.ZERO;
    }

    private void count(String user, String address, Instant now) {
        for (String key : keys(user, address)) {
            attempts.add(key, now, now.minus(limits.maxDelay()));
        }
    }

    /** How long the pair or the address must still wait (zero: it may try), counting nothing. */
    public Duration waitFor(String user, String address) {
        return waitFor(user, address, clock.instant());
    }

    /**
     * Counts a failed attempt after it was checked, for checks cheap enough to run before counting
     * (API tokens); answers the pair's attempts in a row.
     */
    public int failed(String user, String address) {
        listener.failed(user, address);
        count(user, address, clock.instant());
        return count(user, address);
    }

    /** An attempt counted by {@link #attempt} turned out wrong: tells the listener (it was counted already). */
    public void rejected(String user, String address) {
        listener.failed(user, address);
    }

    /** The attempt was right: the pair starts afresh, and the address gets its attempt back. */
    public void succeeded(String user, String address) {
        attempts.remove(pair(user, address));
        attempts.giveBack(address(address));
    }

    /** Attempts in a row for this pair (for the log). */
    public int count(String user, String address) {
        return attempts.find(pair(user, address)).map(AttemptStore.Attempts::count).orElse(0);
    }

    Duration waitFor(String user, String address, Instant now) {
        Duration wait = Duration.ZERO;
        List<String> keys = keys(user, address);
        for (int i = 0; i < keys.size(); i++) {
            AttemptStore.Attempts a = attempts.find(keys.get(i)).orElse(null);
            if (a != null && !stale(a, now)) {
                Instant until = a.last().plus(delay(a.count(), i == 0 ? limits.freeAttempts() : limits.addressFreeAttempts()));
                if (until.isAfter(now) && Duration.between(now, until).compareTo(wait) > 0) {
                    wait = Duration.between(now, until);
                }
            }
        }
        return wait;
    }

    Duration delay(int count, int free) {
        if (count < free) {
            return Duration.ZERO;
        }
        int doublings = Math.min(count - free, 30);
        Duration delay = limits.baseDelay().multipliedBy(1L << doublings);
        return delay.compareTo(limits.maxDelay()) > 0 ? limits.maxDelay() : delay;
    }

    /** Forgotten after maxDelay without attempts. */
    private boolean stale(AttemptStore.Attempts a, Instant now) {
        return a.last().plus(limits.maxDelay()).isBefore(now);
    }

    private static List<String> keys(String user, String address) {
        return List.of(pair(user, address), address(address));
    }

    private static String pair(String user, String address) {
        return "pair:" + address + "\n" + user;
    }

    private static String address(String address) {
        return "ip:" + address;
    }
}
