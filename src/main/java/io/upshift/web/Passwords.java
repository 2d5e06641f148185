package io.upshift.web;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

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

    private final HashingStrategy strategy = HashingStrategy.load();
    private final int iterations;
    /** Verified for unknown users too, so that the answer takes as long as for a known one. */
    private final String decoy;

    public Passwords(int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("hash iterations must be positive, got " + iterations);
        }
        this.iterations = iterations;
        this.decoy = hash(generate());
    }

    public String hash(String password) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return strategy.hash("pbkdf2", Map.of("it", String.valueOf(iterations)),
                Base64.getEncoder().withoutPadding().encodeToString(salt), password);
    }

    /** True when the password matches; a null hash (unknown user) costs as much and fails. */
    public boolean verify(String hash, String password) {
        if (password == null) {
            return false;
        }
        if (hash == null) {
            strategy.verify(decoy, password);
            return false;
        }
        try {
            return strategy.verify(hash, password);
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    /** A random password of 24 URL-safe characters (144 bits). */
    public static String generate() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
