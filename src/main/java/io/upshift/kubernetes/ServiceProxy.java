package io.upshift.kubernetes;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;

/**
 * GET through the API server's service proxy
 * ({@code /api/v1/namespaces/{ns}/services/{name}:{port}/proxy{path}}), which needs only {@code get}
 * on {@code services/proxy}: no network route from Upshift to the service is assumed. Asynchronous
 * (no thread waits for the answer) with a bounded timeout, and without the client's retries on 5xx:
 * a 503 is an answer to record, not a reason to ask again.
 */
public class ServiceProxy implements AutoCloseable {

    /** The status the service answered, and the start of its body (for the record). */
    public record Answer(int status, String body) {
    }

    private static final int BODY_CHARS = 200;

    private final KubernetesClient client;
    private final HttpClient http;
    private final String base;

    public ServiceProxy(KubernetesClient cluster) {
        Config config = new ConfigBuilder(cluster.getConfiguration()).withRequestRetryBackoffLimit(0).build();
        this.client = new KubernetesClientBuilder().withConfig(config).build();
        this.http = client.getHttpClient();
        String master = config.getMasterUrl();
        this.base = master.endsWith("/") ? master : master + "/";
    }

    /** The path under the API server, e.g. {@code api/v1/namespaces/platform/services/auth:8080/proxy/healthz}. */
    public static String path(String namespace, String service, int port, String path) {
        return "api/v1/namespaces/" + namespace + "/services/" + service + ":" + port + "/proxy"
                + (path.startsWith("/") ? path : "/" + path);
    }

    /** Completes with the answer, or exceptionally when none came within {@code timeout}. */
    public CompletableFuture<Answer> get(String namespace, String service, int port, String path, Duration timeout) {
        HttpRequest request = http.newHttpRequestBuilder().uri(base + path(namespace, service, port, path))
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS).build();
        return http.sendAsync(request, String.class)
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(r -> new Answer(r.code(), abbreviate(r.body())));
    }

    private static String abbreviate(String body) {
        if (body == null) {
            return "";
        }
        String line = body.strip();
        return line.length() > BODY_CHARS ? line.substring(0, BODY_CHARS - 1) + "…" : line;
    }

    @Override
    public void close() {
        client.close();
    }
}
