package io.upshift.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * CSRF tokens of console sessions: the HMAC-SHA256 of the session id under a key every replica
 * shares (OWASP's HMAC-based token pattern). A session's token is the same on every event loop and
 * replica and needs no write, so a page's parallel first requests cannot each make a different one
 * (as Vert.x's CSRFHandler does, keeping its token in the session: with the session in a shared
 * database, the browser could keep a cookie whose token was never stored). A new session id (at
 * logon) is a new token; a foreign site can neither read the cookie nor compute the token.
 */
public final class CsrfTokens {

    private final SecretKeySpec key;

    public CsrfTokens(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** The token of the session with this id. */
    public String of(String sessionId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(("csrf:" + sessionId).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code sent} is the session's token (compared in constant time). */
    public boolean matches(String sessionId, String sent) {
        return sent != null && MessageDigest.isEqual(of(sessionId).getBytes(StandardCharsets.US_ASCII),
                sent.getBytes(StandardCharsets.US_ASCII));
    }
}
