package io.upshift.notify;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.netty.buffer.Unpooled;
import io.upshift.store.UpgradeRecords;
import io.upshift.web.Replies;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /api/upgrades/{id}/events}: the upgrade's events as Server-Sent Events, a Vert.x route
 * on platform-http's router, behind the same login as the API (viewers may follow). It answers 404
 * for an unknown upgrade, 400 for a {@code Last-Event-ID} that is not an event number, 503 with
 * {@code Retry-After} when {@code upshift.events.max-followers} follow already; else 200
 * {@code text/event-stream} and the follower joins {@link EventStreams}, from after
 * {@code Last-Event-ID}, else {@code ?after=} (0: from the start).
 *
 * <p>Why not a platform-http consumer: it runs the route on a worker thread and writes the
 * response when the route returns, so a stream would hold a worker thread per follower for as
 * long as it follows (and on Camel 4.18.0 an InputStream body is buffered 16 KiB at a time,
 * CAMEL-23804). Here nothing waits: the request is checked on a worker, then the response is
 * written to as events come ({@link EventStreamRoutes}).
 */
public class EventStreamHttp implements Handler<RoutingContext> {

    public static final String PATH = "/api/upgrades/:id/events";
    private static final Duration RETRY = Duration.ofSeconds(5);

    private final EventStreams streams;
    private final UpgradeRecords records;
    private final Replies replies;

    public EventStreamHttp(EventStreams streams, UpgradeRecords records, Replies replies) {
        this.streams = streams;
        this.records = records;
        this.replies = replies;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        // the header a reconnecting EventSource sends wins over ?after= (where a page starts a new one)
        String header = ctx.request().getHeader("Last-Event-ID");
        Long after = lastEventId(header != null && !header.isBlank() ? header : ctx.request().getParam("after"));
        if (after == null) {
            replies.send(ctx, 400, Map.of("error", "invalid Last-Event-ID", "code", "BAD_REQUEST",
                    "reasons", List.of("Last-Event-ID must be an event id this stream sent (a whole number, 0 or more)")));
            return;
        }
        if (!streams.admit()) {
            replies.retryLater(ctx, 503, "too many event streams: at most " + streams.settings().maxFollowers()
                    + " (upshift.events.max-followers)", RETRY);
            return;
        }
        ctx.vertx().executeBlocking(() -> records.exists(id), false).onComplete(found -> {
            if (found.failed() || !found.result()) {
                streams.release();
                if (found.failed()) {
                    ctx.fail(found.cause());
                } else {
                    replies.send(ctx, 404, Map.of("error", "unknown upgrade", "code", "UNKNOWN_UPGRADE",
                            "reasons", List.of("no upgrade \"" + id + "\" is recorded")));
                }
                return;
            }
            HttpServerResponse response = ctx.response().setStatusCode(200).setChunked(true)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                    .putHeader("X-Accel-Buffering", "no")
                    .setWriteQueueMaxSize(streams.settings().bufferBytes());
            response.write("retry: " + RETRY.toMillis() + "\n\n");
            // the handlers before the join: the first pump may end the response at once (an ended upgrade)
            EventStreams.Follower follower = streams.follower(id, after, new ResponseSink(response));
            response.closeHandler(v -> streams.leave(follower));
            response.exceptionHandler(e -> streams.leave(follower));
            streams.join(follower);
        });
    }

    /** The header's event id; 0 when absent; null when it is not one. */
    static Long lastEventId(String header) {
        if (header == null || header.isBlank()) {
            return 0L;
        }
        try {
            long id = Long.parseLong(header.trim());
            return id < 0 ? null : id;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A follower's HTTP response: Vert.x queues writes (thread-safe) up to the write queue's size. */
    private record ResponseSink(HttpServerResponse response) implements EventStreams.Sink {

        @Override
        public boolean full() {
            return response.writeQueueFull();
        }

        @Override
        public void write(byte[] frames) {
            if (!response.ended() && !response.closed()) {
                response.write(Buffer.buffer(Unpooled.wrappedBuffer(frames))); // shared bytes, not a copy per follower
            }
        }

        @Override
        public void end(String frame) {
            if (!response.ended() && !response.closed()) {
                response.end(Buffer.buffer(frame));
            }
        }

        @Override
        public void onDrain(Runnable then) {
            response.drainHandler(v -> then.run());
        }
    }
}
