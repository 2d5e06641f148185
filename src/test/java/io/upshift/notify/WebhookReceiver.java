package io.upshift.notify;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/**
 * A webhook receiver on a loopback port, as an operator's would be: it keeps what it was sent
 * (body, event and signature headers) and answers 204, or 503 while it is "down" (until {@link #downUntil}).
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request received. */
    public record Received(String path, Instant at, String event, String delivery, String signature, byte[] body, JsonNode json) {
    }

    private final HttpServer server;
    private final ObjectMapper json = new ObjectMapper();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile Instant downUntil = Instant.MIN;

    public WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (Clock.systemUTC().instant().isBefore(downUntil)) {
                refused.incrementAndGet();
                exchange.sendResponseHeaders(503, -1);
            } else {
                var h = exchange.getRequestHeaders();
                received.add(new Received(exchange.getRequestURI().getPath(), Instant.now(), h.getFirst("X-Upshift-Event"), h.getFirst("X-Upshift-Delivery"),
                        h.getFirst("X-Upshift-Signature"), body, json.readTree(body)));
                exchange.sendResponseHeaders(204, -1);
            }
            exchange.close();
        });
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Answers 503 until {@code until}. */
    public void downUntil(Instant until) {
        downUntil = until;
    }

    public int refused() {
        return refused.get();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** What this upgrade's events were, in the order received (one receiver path). */
    public List<Received> of(String upgradeId, String path) {
        return received.stream().filter(r -> r.path().equals(path)).filter(r -> upgradeId.equals(r.json().path("upgradeId").asText())
                || r.json().path("text").asText().contains(upgradeId)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
