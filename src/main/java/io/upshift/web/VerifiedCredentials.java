package io.upshift.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.vertx.core.Future;
import io.vertx.ext.auth.User;

/**
 * Remembers, for a short while, which name and password pairs were right, so that an API client
 * sending HTTP Basic on every call costs one slow hash, not one per call; and runs concurrent checks
 * of the same pair as one. Pairs are kept only as an HMAC under a key made at start, never as
 * text; a remembered pair is forgotten when the user's stored hash changes (password changed,
 * user removed) or after {@code ttl}. Wrong pairs are never remembered beyond their one check.
 * Each caller gets a {@link User} of its own: a request's authorization step rewrites its user's
 * authorizations, and a user shared by concurrent requests would lose its role to another's rewrite.
 */
public final class VerifiedCredentials {

    private static final int MAX_ENTRIES = 1_000;

    private record Entry(Future<User> result, String storedHash, Instant expires) {
    }

    private final Clock clock;
    private final Duration ttl;
    private final SecretKeySpec key;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    public VerifiedCredentials(Clock clock, Duration ttl) {
        this.clock = clock;
        this.ttl = ttl;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /**
     * The remembered or in-flight check of this pair, when the user's stored hash is still
     * {@code storedHash}; else the one {@code verification} starts now, remembered while it runs and,
     * if it succeeds, for {@code ttl}. Atomic per pair: requests that arrive together (on any event
     * loop) share one check. {@code verification} runs inside the map's update: it must be quick
     * (start the check, not wait for it) and must not call back into this object.
     */
    public Future<User> check(String name, String password, String storedHash, Supplier<Future<User>> verification) {
        String digest = digest(name, password);
        Instant now = clock.instant();
        if (entries.size() >= MAX_ENTRIES) {
            entries.entrySet().removeIf(e -> now.isAfter(e.getValue().expires()));
            if (entries.size() >= MAX_ENTRIES) {
                return verification.get().map(VerifiedCredentials::own); // full of live pairs: check, remember nothing
            }
        }
        Entry[] started = new Entry[1];
        Entry entry = entries.compute(digest, (key, old) -> {
            if (old != null && old.storedHash().equals(storedHash) && !now.isAfter(old.expires())) {
                return old;
            }
            started[0] = new Entry(verification.get(), storedHash, now.plus(ttl));
            return started[0];
        });
        if (started[0] != null) { // ours: a failed check is forgotten at once (outside the update)
            started[0].result().onFailure(e -> entries.remove(digest, started[0]));
        }
        return entry.result().map(VerifiedCredentials::own);
    }

    /** A fresh user with the checked one's name: the per-request state (authorizations) is not shared. */
    private static User own(User checked) {
        return User.fromName(checked.subject());
    }

    private String digest(String name, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return Base64.getEncoder().encodeToString(mac.doFinal((name + '\u0000' + password).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
