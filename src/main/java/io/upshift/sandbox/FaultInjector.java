package io.upshift.sandbox;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox API server's fault layer, in front of the CRUD dispatcher: answers a share of requests
 * with 5xx, 429 or 409, delays answers, closes watches, answers watches 410 Gone, and after Upshift's
 * Nth Deployment write edits a Deployment as someone else would ({@link SandboxFaults}). Requests of
 * the sandbox's own controllers ({@link #SANDBOX_AGENT}) pass untouched: they stand for the cluster's
 * controllers, not for a client of the API.
 */
final class FaultInjector implements AutoCloseable {

    /** The User-Agent of the sandbox's own client: never faulted. */
    static final String SANDBOX_AGENT = "upshift-sandbox-controllers";

    private static final Logger LOG = LoggerFactory.getLogger(FaultInjector.class);

    private final AtomicReference<SandboxFaults> faults = new AtomicReference<>(SandboxFaults.none());
    private final AtomicReference<Random> random = new AtomicReference<>(new Random());
    private final Map<String, AtomicLong> injected = new ConcurrentHashMap<>();
    private final AtomicInteger deploymentWrites = new AtomicInteger();
    private final ObjectMapper json = new ObjectMapper();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sandbox-faults");
        t.setDaemon(true);
        return t;
    });
    private volatile BiConsumer<String, SandboxFaults.ForeignEdit> foreignEditor = (ns, edit) -> { };
    /** Upshift's open watches and when each opened: closed by {@link #closeOldWatches} when watch-close-every is set. */
    private final Map<WebSocket, Long> openWatches = new ConcurrentHashMap<>();
    private java.util.concurrent.ScheduledFuture<?> closer;
    private volatile java.util.function.Function<String, List<String>> imagesOf = name -> null;
    private volatile Map<String, List<String>> readyImages = Map.of();

    SandboxFaults current() {
        return faults.get();
    }

    /** Replaces the faults in force; counts of what was injected and Upshift's write count start again. */
    void set(SandboxFaults next) {
        faults.set(next);
        random.set(next.seed() == null ? new Random() : new Random(next.seed()));
        injected.clear();
        deploymentWrites.set(0);
        Map<String, List<String>> baseline = new java.util.HashMap<>();
        for (String name : next.neverReady()) {
            List<String> images = imagesOf.apply(name);
            if (images != null) {
                baseline.put(name, images);
            }
        }
        readyImages = baseline;
        synchronized (this) {
            if (closer != null) {
                closer.cancel(false);
                closer = null;
            }
            long every = next.watchCloseEvery().toMillis();
            if (every > 0) {
                // watches already open count too: their age decides
                long period = Math.max(10, every / 4);
                closer = timers.scheduleAtFixedRate(() -> closeOldWatches(every), period, period, TimeUnit.MILLISECONDS);
            }
        }
        LOG.info("Sandbox faults {}", next.isNone() ? "off" : next.toMap());
    }

    /** What was injected since the faults were set, by kind. */
    Map<String, Long> injected() {
        Map<String, Long> counts = new TreeMap<>();
        injected.forEach((k, v) -> counts.put(k, v.get()));
        return counts;
    }

    /** Who makes the foreign edits: the sandbox's own client (namespace/name of the Deployment, the edit). */
    void foreignEditor(BiConsumer<String, SandboxFaults.ForeignEdit> editor) {
        this.foreignEditor = editor;
    }

    /** Reads a Deployment's container images now (the sandbox's own client), for the never-ready baseline. */
    void imagesOf(java.util.function.Function<String, List<String>> reader) {
        this.imagesOf = reader;
    }

    /**
     * A never-ready Deployment's new pods never get ready, unless they run the images it ran when the faults
     * were set: so that, like a bad release, rolling back recovers.
     */
    boolean neverReady(io.fabric8.kubernetes.api.model.apps.Deployment d) {
        String name = d.getMetadata().getName();
        if (!faults.get().neverReady().contains(name)) {
            return false;
        }
        List<String> images = d.getSpec().getTemplate().getSpec().getContainers().stream()
                .map(io.fabric8.kubernetes.api.model.Container::getImage).toList();
        boolean never = !images.equals(readyImages.get(name));
        if (never) {
            count("never-ready-pods");
        }
        return never;
    }

    /** An answer instead of the real one (an injected 5xx, 429, 409 or 410), or empty: dispatch as usual. */
    Optional<MockResponse> intercept(RecordedRequest request) {
        SandboxFaults f = faults.get();
        ApiRequest api = ApiRequest.of(request);
        if (f.isNone() || api == null || SANDBOX_AGENT.equals(request.getHeader("User-Agent"))
                || !f.resources().matcher(api.resource()).matches()) {
            return Optional.empty();
        }
        Random r = random.get();
        if (draw(r, SandboxFaults.ratio(f.throttle(), api.verb()))) {
            count("throttled");
            return Optional.of(status(429, "TooManyRequests", "sandbox fault: too many requests, please try again later",
                    f.retryAfterSeconds()).setHeader("Retry-After", f.retryAfterSeconds()));
        }
        if (draw(r, SandboxFaults.ratio(f.errors(), api.verb()))) {
            count("errors");
            return Optional.of(status(f.errorStatus(), f.errorStatus() == 503 ? "ServiceUnavailable" : "InternalError",
                    "sandbox fault: injected " + f.errorStatus() + " on " + api.verb() + " " + api.resource(), null));
        }
        if (api.verb().equals("watch") && draw(r, f.watchGone())) {
            count("watch-gone");
            return Optional.of(status(410, "Expired", "sandbox fault: too old resource version", null));
        }
        if ((api.verb().equals("update") || api.verb().equals("patch")) && draw(r, f.conflicts())) {
            count("conflicts");
            return Optional.of(status(409, "Conflict", "Operation cannot be fulfilled on " + api.resource() + " \""
                    + api.name() + "\": the object has been modified; please apply your changes to the latest version"
                    + " and try again (sandbox fault)", null));
        }
        return Optional.empty();
    }

    /** The real answer with the faults that act on it: latency, a watch closed later, a foreign edit after it. */
    MockResponse decorate(RecordedRequest request, MockResponse response) {
        SandboxFaults f = faults.get();
        ApiRequest api = ApiRequest.of(request);
        if (api == null || SANDBOX_AGENT.equals(request.getHeader("User-Agent"))) {
            return response;
        }
        if (response.getWebSocketListener() != null && f.resources().matcher(api.resource()).matches()) {
            response.withWebSocketUpgrade(new TrackedWatch(response.getWebSocketListener()));
        }
        if (f.isNone()) {
            return response;
        }
        if (!f.latency().isZero() && f.resources().matcher(api.resource()).matches()) {
            count("delayed");
            response.setBodyDelay(f.latency());
        }
        if (f.foreignEdit() != null && api.resource().equals("deployments") && api.name() != null
                && (api.verb().equals("patch") || api.verb().equals("update")) && response.code() / 100 == 2
                && deploymentWrites.incrementAndGet() == f.foreignEdit().afterWrites()) {
            SandboxFaults.ForeignEdit edit = f.foreignEdit();
            String name = edit.deployment() != null ? edit.deployment() : api.name();
            // after this answer went out: the edit lands while Upshift waits on the change it just made
            timers.schedule(() -> {
                try {
                    foreignEditor.accept(api.namespace() + "/" + name, edit);
                    count("foreign-edits");
                } catch (RuntimeException e) {
                    LOG.warn("Sandbox fault: the foreign edit of {} failed: {}", name, e.getMessage());
                }
            }, 20, TimeUnit.MILLISECONDS);
        }
        return response;
    }

    private void closeOldWatches(long ageMillis) {
        long now = System.nanoTime();
        openWatches.forEach((socket, opened) -> {
            if (now - opened >= TimeUnit.MILLISECONDS.toNanos(ageMillis) && openWatches.remove(socket, opened)) {
                count("watches-closed");
                // 1000: a normal close, as an API server ends a watch at its timeout
                socket.close(1000, "sandbox fault: watch closed");
            }
        });
    }

    private static boolean draw(Random r, double ratio) {
        return ratio > 0 && r.nextDouble() < ratio;
    }

    private void count(String kind) {
        injected.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    /** A Kubernetes Status answer, as the API server writes them. */
    private MockResponse status(int code, String reason, String message, Integer retryAfterSeconds) {
        Status status = new StatusBuilder().withApiVersion("v1").withKind("Status").withStatus("Failure").withCode(code)
                .withReason(reason).withMessage(message).build();
        if (retryAfterSeconds != null) {
            status.setDetails(new io.fabric8.kubernetes.api.model.StatusDetailsBuilder()
                    .withRetryAfterSeconds(retryAfterSeconds).build());
        }
        try {
            return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json")
                    .setBody(json.writeValueAsString(status));
        } catch (JsonProcessingException e) {
            return new MockResponse().setResponseCode(500).setBody(e.getMessage());
        }
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }

    /** Passes every callback on, and keeps the socket in {@link #openWatches} while it is open. */
    private final class TrackedWatch extends WebSocketListener {
        private final WebSocketListener delegate;

        TrackedWatch(WebSocketListener delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onBeforeAccept(WebSocket webSocket, Response response) {
            delegate.onBeforeAccept(webSocket, response);
        }

        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            openWatches.put(webSocket, System.nanoTime());
            delegate.onOpen(webSocket, response);
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
            delegate.onMessage(webSocket, text);
        }

        @Override
        public void onMessage(WebSocket webSocket, byte[] bytes) {
            delegate.onMessage(webSocket, bytes);
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            openWatches.remove(webSocket);
            delegate.onClosing(webSocket, code, reason);
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            openWatches.remove(webSocket);
            delegate.onClosed(webSocket, code, reason);
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            openWatches.remove(webSocket);
            delegate.onFailure(webSocket, t, response);
        }
    }

    /**
     * A resource request as the API server reads its path: {@code /api/v1/namespaces/{ns}/{resource}/{name}/{sub}}
     * or {@code /apis/{group}/{version}/…}, and its verb. Null for what is not a resource (discovery documents).
     */
    record ApiRequest(String verb, String namespace, String resource, String name, String subresource) {

        static ApiRequest of(RecordedRequest request) {
            String path = request.getPath() == null ? "" : request.getPath();
            int q = path.indexOf('?');
            String query = q < 0 ? "" : path.substring(q + 1);
            List<String> parts = List.of((q < 0 ? path : path.substring(0, q)).replaceAll("^/+|/+$", "").split("/"));
            int rest;
            if (parts.size() >= 2 && parts.get(0).equals("api")) {
                rest = 2;
            } else if (parts.size() >= 3 && parts.get(0).equals("apis")) {
                rest = 3;
            } else {
                return null;
            }
            List<String> r = parts.subList(rest, parts.size());
            String namespace = null;
            if (r.size() >= 3 && r.get(0).equals("namespaces")) {
                namespace = r.get(1);
                r = r.subList(2, r.size());
            }
            if (r.isEmpty()) {
                return null;
            }
            String name = r.size() > 1 ? r.get(1) : null;
            String sub = r.size() > 2 ? r.get(2) : null;
            boolean watch = query.matches("(.*&)?watch=(true|1)(&.*)?");
            String verb = switch (request.getMethod()) {
                case "GET" -> watch ? "watch" : name == null ? "list" : "get";
                case "POST" -> "create";
                case "PUT" -> "update";
                case "PATCH" -> "patch";
                case "DELETE" -> "delete";
                default -> request.getMethod().toLowerCase(java.util.Locale.ROOT);
            };
            return new ApiRequest(verb, namespace, r.get(0), name, sub);
        }
    }
}
