package io.upshift.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.CSRFHandler;

/**
 * The CSRF token a new console session starts with, made at logon in the form Vert.x's
 * {@link CSRFHandler} makes and checks ({@code salt.time.signature}, HMAC-SHA256 under the shared
 * key; kept in the session as {@code <session id>/<token>}, sent as the {@code XSRF-TOKEN} cookie).
 * <p>Why: that handler makes a token on the first page a session asks for without the cookie, and a
 * console page asks for several at once, on several event loops or replicas; each would make its
 * own, only one can be stored, and the browser may keep another's cookie (then every change is
 * refused). Made once at logon, the cookie comes with every later request and the handler keeps it.
 */
final class CsrfSeed {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final Clock clock;
    private final boolean secureCookie;

    CsrfSeed(String secret, Clock clock, boolean secureCookie) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.clock = clock;
        this.secureCookie = secureCookie;
    }

    /** Puts a fresh token into the (already regenerated) session and its cookie into the answer. */
    void seed(RoutingContext ctx) {
        Session session = ctx.session();
        byte[] salt = new byte[32];
        RANDOM.nextBytes(salt);
        String saltAndTime = encode(salt) + "." + clock.millis();
        String token = saltAndTime + "." + encode(sign(saltAndTime));
        session.put(CSRFHandler.DEFAULT_HEADER_NAME, session.id() + "/" + token);
        ctx.response().addCookie(Cookie.cookie(CSRFHandler.DEFAULT_COOKIE_NAME, token).setPath("/")
                .setSecure(secureCookie));
    }

    private byte[] sign(String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(value.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
