package io.upshift.metrics;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.upshift.kubernetes.ApiRetry;

/**
 * Counts the Kubernetes API retries, {@code upshift_kubernetes_retries_total{reason,outcome}}: the
 * reason is the answer that made a call worth another try ({@code 429}, {@code 503},
 * {@code unreachable}…), the outcome {@code retried}, or {@code gave-up} when the retry's attempts or
 * deadline ran out.
 */
public class KubernetesRetryMetrics implements ApiRetry.Listener {

    private final MeterRegistry registry;

    public KubernetesRetryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void retrying(String operation, String reason, int attempt, Duration delay, Throwable failure) {
        count(reason, "retried");
    }

    @Override
    public void gaveUp(String operation, String reason, int attempts, Throwable failure) {
        count(reason, "gave-up");
    }

    private void count(String reason, String outcome) {
        Counter.builder("upshift.kubernetes.retries").description("Kubernetes API calls tried again, or given up, by reason")
                .tag("reason", reason).tag("outcome", outcome).register(registry).increment();
    }
}
