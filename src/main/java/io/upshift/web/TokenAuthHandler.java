package io.upshift.web;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Authorization: Bearer <token>} for the API, called by {@link Access} in place of HTTP Basic
 * when a request carries a Bearer token. A valid token makes the request's user {@code owner/token}
 * with the token's effective role as its only authorization (the users file knows no such name, so
 * the role check cannot add the owner's role). A wrong, revoked or expired token is a 401 with
 * {@code WWW-Authenticate: Bearer}, counted per client address by the same {@link LoginThrottle} as
 * failed passwords (429 with Retry-After once it blocks).
 */
public class TokenAuthHandler implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(TokenAuthHandler.class);
    private static final String SCHEME = "Bearer ";
    /** The provider id of a token's role among the user's authorizations. */
    public static final String PROVIDER = "api-tokens";

    /** The throttle's user name for tokens (per address): no user name can contain a space. */
    static final String THROTTLE_USER = "api token";

    private final Tokens tokens;
    private final LoginThrottle throttle;
    private final Replies replies;

    public TokenAuthHandler(Tokens tokens, LoginThrottle throttle, ObjectMapper json) {
        this.tokens = tokens;
        this.throttle = throttle;
        this.replies = new Replies(json);
    }

    /** Whether this Authorization header is a Bearer token (this handler's to check). */
    public static boolean isBearer(String authorization) {
        return authorization != null && authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /** What one token check found: a wait (throttled, nothing checked), or the caller if the token is good. */
    private record Check(Duration retryAfter, Optional<TokenCaller> caller, int failures) {
    }

    @Override
    public void handle(RoutingContext ctx) {
        String address = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
        String secret = ctx.request().getHeader(HttpHeaders.AUTHORIZATION).substring(SCHEME.length()).trim();
        // JDBC reads (the throttle's counts, the token): off the event loop, unordered (calls need not
        // wait for each other). The request is paused meanwhile, as Vert.x's own authentication
        // handlers do, so its body waits for the route.
        if (!ctx.request().isEnded()) {
            ctx.request().pause();
        }
        ctx.vertx().executeBlocking(() -> check(secret, address), false).onComplete(result -> {
            ctx.request().resume();
            if (result.failed()) {
                ctx.fail(500, result.cause());
                return;
            }
            Check check = result.result();
            if (!check.retryAfter().isZero()) {
                LOG.warn("Token call from {} refused: too many failures, next attempt in {} s", address,
                        Replies.seconds(check.retryAfter()));
                replies.retryLater(ctx, 429, "too many requests", check.retryAfter());
            } else if (check.caller().isEmpty()) {
                LOG.warn("Invalid, revoked or expired API token from {} ({} in a row)", address, check.failures());
                ctx.response().putHeader("WWW-Authenticate",
                        "Bearer realm=\"" + Access.REALM + "\", error=\"invalid_token\"");
                replies.send(ctx, 401, Map.of("error", "invalid token",
                        "reasons", java.util.List.of("the token is unknown, revoked or expired")));
            } else {
                User user = User.fromName(check.caller().get().subject());
                user.authorizations().add(PROVIDER, RoleBasedAuthorization.create(check.caller().get().role().id()));
                ctx.setUser(user);
                ctx.next();
            }
        });
    }

    /**
     * Counted per address (a bad token says nothing about whose it was), after the check: a token
     * costs one digest and one read, so a burst needs no counting before it.
     */
    private Check check(String secret, String address) {
        Duration wait = throttle.waitFor(THROTTLE_USER, address);
        if (!wait.isZero()) {
            return new Check(wait, Optional.empty(), 0);
        }
        Optional<TokenCaller> caller = tokens.authenticate(secret);
        if (caller.isEmpty()) {
            return new Check(Duration.ZERO, caller, throttle.failed(THROTTLE_USER, address));
        }
        if (throttle.count(THROTTLE_USER, address) > 0) {
            throttle.succeeded(THROTTLE_USER, address);
        }
        return new Check(Duration.ZERO, caller, 0);
    }
}
