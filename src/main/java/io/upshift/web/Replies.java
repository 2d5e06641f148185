package io.upshift.web;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/** The access layer's own answers (refusals, logon, health): JSON, never cached. */
public final class Replies {

    private final ObjectMapper json;

    public Replies(ObjectMapper json) {
        this.json = json;
    }

    public void send(RoutingContext ctx, int status, Map<String, ?> body) {
        try {
            ctx.response().setStatusCode(status)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                    .end(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }

    /** A refusal to come back later: {@code Retry-After} and {@code retryAfterSeconds}, whole seconds rounded up. */
    public void retryLater(RoutingContext ctx, int status, String error, Duration wait) {
        long seconds = seconds(wait);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("retryAfterSeconds", seconds);
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(seconds));
        send(ctx, status, body);
    }

    /** At least one second: {@code Retry-After: 0} would invite an immediate retry. */
    static long seconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }
}
