package io.upshift.notify;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.upshift.Failures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the delivery routes call (bean {@code deliveries}): the next pending delivery of a receiver,
 * one attempt to POST it, and the end of a delivery whose attempts ran out. Each attempt is counted
 * in the outbox before it is made, so the limit holds across restarts.
 */
public class Deliveries {

    private static final Logger LOG = LoggerFactory.getLogger(Deliveries.class);
    static final int MAX_PAGE_SIZE = 200;
    static final int DEFAULT_PAGE_SIZE = 50;

    /** Told of each attempt's result ({@code delivered}, {@code retry}, {@code failed}) per receiver. */
    @FunctionalInterface
    public interface Results {
        void count(String receiver, String result);
    }

    private final Outbox outbox;
    private final Messages messages;
    private final Map<String, Receiver> receivers;
    private final HttpClient http;
    private final Duration timeout;
    private final int maxAttempts;
    private final Results results;

    public Deliveries(Outbox outbox, Messages messages, List<Receiver> receivers, HttpClient http, Duration timeout,
            int maxAttempts, Results results) {
        this.outbox = outbox;
        this.messages = messages;
        this.receivers = receivers.stream().collect(Collectors.toMap(Receiver::name, Function.identity()));
        this.http = http;
        this.timeout = timeout;
        this.maxAttempts = maxAttempts;
        this.results = results;
    }

    /** The receiver's oldest pending delivery, or null. */
    public Delivery next(String receiver) {
        return outbox.next(receiver).orElse(null);
    }

    /** The pending delivery after {@code done} (of the same receiver), or null. */
    public Delivery after(Delivery done) {
        return next(done.receiver());
    }

    /** One attempt; throws {@link DeliveryFailedException} for the route to try again with backoff. */
    public void deliver(Delivery d) {
        Receiver receiver = receivers.get(d.receiver());
        if (receiver == null) {
            outbox.abandon(d, "receiver " + d.receiver() + " is no longer configured");
            return;
        }
        if (usedUp(d)) {
            abandon(d);
            return;
        }
        outbox.attempt(d);
        byte[] body = messages.body(receiver, d.eventId(), d.event());
        HttpRequest.Builder request = HttpRequest.newBuilder(receiver.url()).timeout(timeout)
                .header("Content-Type", "application/json")
                .header(Messages.EVENT_HEADER, d.event().type().id())
                .header(Messages.DELIVERY_HEADER, String.valueOf(d.eventId()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (receiver.secret() != null) {
            request.header(Messages.SIGNATURE_HEADER, Messages.signature(receiver.secret(), body));
        }
        int status;
        try {
            status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            fail(d, null, "no answer: " + Failures.message(e));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(d, null, "interrupted");
            return;
        }
        if (status / 100 != 2) {
            fail(d, status, "HTTP " + status);
        }
        outbox.delivered(d, status);
        results.count(d.receiver(), "delivered");
    }

    private void fail(Delivery d, Integer status, String error) {
        outbox.failedAttempt(d, status, error);
        results.count(d.receiver(), "retry");
        throw new DeliveryFailedException(receivers.get(d.receiver()) + ": event " + d.eventId() + " (" + d.event().type().id()
                + "): " + error);
    }

    /** True when every attempt was made. */
    public boolean usedUp(Delivery d) {
        return outbox.attempts(d) >= maxAttempts;
    }

    public void abandon(Delivery d) {
        LOG.warn("Notification {} ({}) to {} failed after {} attempts", d.eventId(), d.event().type().id(),
                receivers.get(d.receiver()), maxAttempts);
        outbox.abandon(d, "gave up after " + maxAttempts + " attempts");
        results.count(d.receiver(), "failed");
    }

    /** Page {@code page} (from 1) of the deliveries, newest first, {@code size} a page (default 50, at most 200). */
    public List<Delivery> page(String receiver, String state, Integer page, Integer size) {
        int limit = size == null || size < 1 ? DEFAULT_PAGE_SIZE : Math.min(size, MAX_PAGE_SIZE);
        int from = page == null || page < 1 ? 0 : (page - 1) * limit;
        return outbox.list(receiver, state(state), from, limit);
    }

    private static Delivery.State state(String state) {
        if (state == null || state.isBlank()) {
            return null;
        }
        try {
            return Delivery.State.valueOf(state.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new io.upshift.RejectedException(400, "unknown state", List.of("state must be PENDING, DELIVERED or FAILED"));
        }
    }
}
