package io.upshift.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox process's admin endpoint, on the loopback interface only: reads and sets the faults
 * at run time ({@code GET}, {@code PUT}, {@code DELETE /faults}, docs/sandbox.md). It is a separate
 * port from the API server's, so that no Kubernetes client of the sandbox can change its faults.
 * The JDK's HTTP server: one small handler, nothing of Camel's, since the sandbox runs without it.
 */
public final class SandboxAdmin implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxAdmin.class);
    private static final int MAX_BODY = 64 * 1024;

    private final SandboxCluster sandbox;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;

    public SandboxAdmin(SandboxCluster sandbox, int port) throws IOException {
        this.sandbox = sandbox;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.createContext("/faults", this::faults);
        server.start();
        LOG.info("Sandbox admin endpoint on {} (GET, PUT, DELETE /faults)", url());
    }

    /** E.g. {@code http://127.0.0.1:41235}. */
    public String url() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    /** Writes {@link #url()} to {@code file} (aside, then moved: a reader never sees half of it). */
    public void writeUrl(Path file) throws IOException {
        Path written = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        Files.writeString(written, url() + "\n");
        Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void faults(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals("/faults")) {
                send(exchange, 404, Map.of("error", "not found: " + exchange.getRequestURI().getPath()));
                return;
            }
            switch (exchange.getRequestMethod()) {
                case "GET" -> send(exchange, 200, state());
                case "PUT" -> put(exchange);
                case "DELETE" -> {
                    sandbox.faults(SandboxFaults.none());
                    send(exchange, 200, state());
                }
                default -> {
                    exchange.getResponseHeaders().set("Allow", "GET, PUT, DELETE");
                    send(exchange, 405, Map.of("error", "method not allowed: " + exchange.getRequestMethod()));
                }
            }
        }
    }

    private void put(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            send(exchange, 413, Map.of("error", "the faults document is larger than " + MAX_BODY + " bytes"));
            return;
        }
        Map<String, Object> document;
        try {
            document = json.readValue(body, new TypeReference<>() { });
        } catch (JsonProcessingException e) {
            send(exchange, 400, Map.of("error", "the body is not a JSON object of fault settings: " + e.getOriginalMessage()));
            return;
        }
        Map<String, String> settings = new LinkedHashMap<>();
        document.forEach((k, v) -> settings.put(k, v == null ? null : String.valueOf(v)));
        try {
            sandbox.faults(SandboxFaults.parse(settings));
        } catch (IllegalArgumentException e) {
            send(exchange, 400, Map.of("error", e.getMessage()));
            return;
        }
        send(exchange, 200, state());
    }

    private Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("faults", sandbox.faults().toMap());
        state.put("injected", sandbox.injectedFaults());
        return state;
    }

    private void send(HttpExchange exchange, int status, Object document) throws IOException {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            bytes = new byte[0];
            status = 500;
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
