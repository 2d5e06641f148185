package io.upshift.metrics;

import java.util.List;
import java.util.Locale;
import java.nio.ByteBuffer;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts the Kubernetes client's requests, {@code upshift_kubernetes_requests_total{verb,code}}: an
 * interceptor on fabric8's HTTP client. The verb is the API's (a GET with {@code watch=true} is
 * {@code watch}; lists count as {@code get}); the code is the answer's status, {@code none} when
 * the API could not be reached.
 */
public class KubernetesRequestMetrics implements Interceptor {

    public static final String NAME = "upshift-metrics";

    private final MeterRegistry registry;

    public KubernetesRequestMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
        count(request, String.valueOf(response.code()));
    }

    @Override
    public void afterConnectionFailure(HttpRequest request, Throwable failure) {
        count(request, "none");
    }

    private void count(HttpRequest request, String code) {
        Counter.builder("upshift.kubernetes.requests").description("Kubernetes API requests by verb and answer")
                .tag("verb", verb(request)).tag("code", code).register(registry).increment();
    }

    static String verb(HttpRequest request) {
        String query = request.uri().getRawQuery();
        return switch (request.method().toUpperCase(Locale.ROOT)) {
            case "GET" -> query != null && query.contains("watch=true") ? "watch" : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> "delete";
            default -> request.method().toLowerCase(Locale.ROOT);
        };
    }
}
