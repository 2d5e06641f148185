package io.upshift.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.ext.auth.HashingStrategy;

/**
 * Password hashes: PBKDF2-HMAC-SHA512 from Vert.x auth ({@link HashingStrategy}), stored in its
 * self-describing form {@code $pbkdf2$it=N$salt$hash}, so the iteration count can be raised
 * later without breaking stored hashes. Verification compares in constant time (Vert.x does).
 */
public final class Passwords {

    /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA512. */
    public static final int DEFAULT_ITERATIONS = 210_000;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern ITERATIONS = Pattern.compile("^\\$pbkdf2\\$it=(\\d{1,9})\\$");
    /** Decoys are made for iteration counts found in the users file, so there are few of them. */
    private static final int MAX_DECOYS = 16;
    /** PBKDF2-HMAC-SHA512 derives 64 bytes. */
    private static final int KEY_BYTES = 64;

    private final HashingStrategy strategy = HashingStrategy.load();
    private final int iterations;
    /** Hashes verified for unknown users, one per iteration count, so the answer takes as long as for a known one. */
    private final Map<Integer, String> decoys = new ConcurrentHashMap<>();

    public Passwords(int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("hash iterations must be positive, got " + iterations);
        }
        this.iterations = iterations;
        decoy(iterations);
    }

    public int iterations() {
        return iterations;
    }

    public String hash(String password) {
        return hash(password, iterations);
    }

    private String hash(String password, int rounds) {
        return strategy.hash("pbkdf2", Map.of("it", String.valueOf(rounds)), base64(16), password);
    }

    /** The iteration count a stored hash names ({@code $pbkdf2$it=N$…}); empty when it names none. */
    /**
     * A digest of a stored hash (SHA-256, Base64): tells that a password changed without keeping the
     * hash a second time (a session's credential, the audit trail's view of the users file).
     */
    public static String digest(String storedHash) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(String.valueOf(storedHash).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static OptionalInt iterations(String hash) {
        Matcher m = hash == null ? null : ITERATIONS.matcher(hash);
        return m != null && m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    /** True when the password matches; an unreadable hash costs a check at the current count and fails. */
    public boolean verify(String hash, String password) {
        if (password == null) {
            return false;
        }
        try {
            return strategy.verify(hash, password);
        } catch (RuntimeException malformed) {
            strategy.verify(decoy(iterations), password);
            return false;
        }
    }

    /**
     * For a user who does not exist: checks the password against a decoy hash of {@code rounds}
     * iterations (those of some stored hash, see {@link UserFile#decoyIterations}), so the answer
     * costs what a known user's would; always false.
     */
    public boolean verifyUnknown(String password, int rounds) {
        int count = rounds > 0 && (decoys.containsKey(rounds) || decoys.size() < MAX_DECOYS) ? rounds : iterations;
        strategy.verify(decoy(count), password == null ? "" : password);
        return false;
    }

    /** The iteration counts decoys were made for (tests). */
    java.util.Set<Integer> decoyCounts() {
        return java.util.Set.copyOf(decoys.keySet());
    }

    /** The decoy of {@code rounds} iterations (tests). */
    String decoyHash(int rounds) {
        return decoy(rounds);
    }

    /**
     * A well-formed hash of {@code rounds} iterations with a random salt and random key bytes: checking
     * a password against it derives the key as for any stored hash (the cost is in the check), yet it is
     * made without a derivation of its own (a start made one at 210,000 iterations, ~0.3 s of CPU)
     * and no password matches it.
     */
    private String decoy(int rounds) {
        return decoys.computeIfAbsent(rounds, r -> "$pbkdf2$it=" + r + "$" + base64(16) + "$" + base64(KEY_BYTES));
    }

    private static String base64(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getEncoder().withoutPadding().encodeToString(random);
    }

    /** A random password of 24 URL-safe characters (144 bits). */
    public static String generate() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
