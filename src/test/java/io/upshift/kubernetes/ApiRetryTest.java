package io.upshift.kubernetes;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusDetailsBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one retry of API calls: which failures it retries, how long it waits, when it stops. */
class ApiRetryTest {

    private final ExecutorService worker = Executors.newCachedThreadPool();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final ApiRetry.Listener listener = new ApiRetry.Listener() {
        @Override
        public void retrying(String operation, String reason, int attempt, Duration delay, Throwable failure) {
            events.add("retry " + reason + " #" + attempt);
        }

        @Override
        public void gaveUp(String operation, String reason, int attempts, Throwable failure) {
            events.add("gave up " + reason + " after " + attempts);
        }
    };

    @AfterEach
    void stop() {
        worker.shutdownNow();
    }

    private ApiRetry retry(int attempts, Duration deadline) {
        return new ApiRetry(new ApiRetry.Policy(attempts, Duration.ofMillis(100), Duration.ofMillis(400), deadline), worker,
                Clock.systemUTC(), () -> 0.5, listener);
    }

    private static KubernetesClientException status(int code, Integer retryAfterSeconds) {
        StatusBuilder status = new StatusBuilder().withCode(code).withMessage("answered " + code);
        if (retryAfterSeconds != null) {
            status.withDetails(new StatusDetailsBuilder().withRetryAfterSeconds(retryAfterSeconds).build());
        }
        return new KubernetesClientException(status.build());
    }

    @Test
    void waitsGrowWithFullJitterUpToTheCeilingAndNeverBelowRetryAfter() {
        ApiRetry retry = retry(10, Duration.ofMinutes(1));
        assertThat(retry.nextDelay(0, Duration.ZERO, Duration.ZERO, 0.0)).hasValue(Duration.ZERO);
        assertThat(retry.nextDelay(0, Duration.ZERO, Duration.ZERO, 0.999)).hasValue(Duration.ofMillis(99));
        assertThat(retry.nextDelay(1, Duration.ZERO, Duration.ZERO, 0.5)).hasValue(Duration.ofMillis(100));
        assertThat(retry.nextDelay(2, Duration.ZERO, Duration.ZERO, 0.5)).hasValue(Duration.ofMillis(200));
        assertThat(retry.nextDelay(9, Duration.ZERO, Duration.ZERO, 0.5)).as("capped at maxBackoff")
                .hasValue(Duration.ofMillis(200));
        assertThat(retry.nextDelay(0, Duration.ZERO, Duration.ofSeconds(2), 0.5)).as("Retry-After honoured")
                .hasValue(Duration.ofSeconds(2));
    }

    @Test
    void stopsAtItsAttemptsAndAtItsDeadline() {
        ApiRetry retry = retry(3, Duration.ofSeconds(5));
        assertThat(retry.nextDelay(2, Duration.ZERO, Duration.ZERO, 0.5)).isPresent();
        assertThat(retry.nextDelay(3, Duration.ZERO, Duration.ZERO, 0.5)).isEmpty();
        assertThat(retry.nextDelay(0, Duration.ofMillis(4990), Duration.ZERO, 0.5)).as("the wait would end past the deadline")
                .isEmpty();
        assertThat(retry.nextDelay(0, Duration.ZERO, Duration.ofSeconds(6), 0.5)).as("Retry-After past the deadline")
                .isEmpty();
    }

    @Test
    void retriesTransientAnswersOnly() {
        assertThat(ApiRetry.classify(status(429, 3))).hasValue(new ApiRetry.Transient("429", Duration.ofSeconds(3)));
        for (int code : new int[] {409, 500, 502, 503, 504}) {
            assertThat(ApiRetry.classify(status(code, null))).as("%d", code).isPresent();
        }
        for (int code : new int[] {400, 401, 403, 404, 410, 422}) {
            assertThat(ApiRetry.classify(status(code, null))).as("%d", code).isEmpty();
        }
        assertThat(ApiRetry.classify(new KubernetesClientException("refused", new IOException("Connection refused"))))
                .hasValue(new ApiRetry.Transient("unreachable", Duration.ZERO));
        assertThat(ApiRetry.classify(new IllegalStateException("bug"))).isEmpty();
    }

    @Test
    void aCallThatFailsTwiceThenSucceedsIsRetriedAndCounted() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        String result = retry(5, Duration.ofSeconds(10)).call("read Deployment platform/gateway", () -> {
            int n = tries.incrementAndGet();
            if (n == 1) {
                throw status(503, null);
            }
            if (n == 2) {
                throw status(429, 0);
            }
            return "read";
        }).get(10, TimeUnit.SECONDS);
        assertThat(result).isEqualTo("read");
        assertThat(events).containsExactly("retry 503 #1", "retry 429 #2");
    }

    @Test
    void aCallThatKeepsFailingGivesUpWithTheLastFailureAsItWas() {
        AtomicInteger tries = new AtomicInteger();
        assertThatThrownBy(() -> retry(2, Duration.ofSeconds(10)).call("patch", () -> {
            tries.incrementAndGet();
            throw status(500, null);
        }).get(10, TimeUnit.SECONDS)).cause().isInstanceOfSatisfying(KubernetesClientException.class,
                e -> assertThat(e.getCode()).isEqualTo(500));
        assertThat(tries).hasValue(3);
        assertThat(events).containsExactly("retry 500 #1", "retry 500 #2", "gave up 500 after 3");
    }

    @Test
    void aPermanentFailureIsNotRetried() {
        AtomicInteger tries = new AtomicInteger();
        assertThatThrownBy(() -> retry(5, Duration.ofSeconds(10)).call("read", () -> {
            tries.incrementAndGet();
            throw status(404, null);
        }).get(10, TimeUnit.SECONDS)).cause().isInstanceOf(KubernetesClientException.class);
        assertThat(tries).hasValue(1);
        assertThat(events).isEmpty();
    }
}
