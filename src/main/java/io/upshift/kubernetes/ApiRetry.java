package io.upshift.kubernetes;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.upshift.Failures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upshift's one retry of Kubernetes API calls (fabric8's own is switched off,
 * {@code requestRetryBackoffLimit=0}). Retried: the API unreachable, 429, 500, 502, 503, 504, and a
 * 409 conflict (every operation given here re-reads or is guarded by a JSON-patch {@code test}, so a
 * second try is safe). Waits grow exponentially from {@code backoff} up to {@code maxBackoff} with
 * full jitter, and never less than the server's {@code Retry-After}; at most {@code attempts} retries
 * and none that would end past {@code deadline} after the first try. Nothing here holds a thread
 * while it waits.
 *
 * <p>Why this one and not fabric8's: fabric8 7.5 retries 429/5xx too and reads {@code Retry-After},
 * but with no jitter (clients that failed together retry together), no overall deadline (a server's
 * {@code Retry-After} extends the wait without bound), for every verb alike (a non-idempotent create
 * included) and logging at debug only. Here the caller names the operation, every retry is logged
 * and counted ({@link Listener}), and the failure that ends it keeps its HTTP code for the caller's
 * typed error.
 */
public final class ApiRetry {

    /**
     * @param attempts   retries after the first try (0: none)
     * @param backoff    the first wait's upper bound; doubled after each failure
     * @param maxBackoff the upper bound of any one wait (a longer Retry-After is still honoured, within the deadline)
     * @param deadline   no retry is started that would begin later than this after the first try
     */
    public record Policy(int attempts, Duration backoff, Duration maxBackoff, Duration deadline) {

        public Policy {
            if (attempts < 0 || backoff.isNegative() || maxBackoff.compareTo(backoff) < 0 || deadline.isNegative()) {
                throw new IllegalArgumentException("retry policy: attempts >= 0, 0 <= backoff <= maxBackoff, deadline >= 0: "
                        + attempts + ", " + backoff + ", " + maxBackoff + ", " + deadline);
            }
        }
    }

    /** Told of each retry and of each give-up: the log line and the metric. */
    public interface Listener {
        void retrying(String operation, String reason, int attempt, Duration delay, Throwable failure);

        void gaveUp(String operation, String reason, int attempts, Throwable failure);
    }

    /** Why a failure is worth another try ({@code 429}, {@code 503}, {@code unreachable}…) and the wait the server asked for. */
    public record Transient(String reason, Duration retryAfter) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ApiRetry.class);

    private final Policy policy;
    private final Executor worker;
    private final Clock clock;
    private final DoubleSupplier random;
    private final Listener listener;

    public ApiRetry(Policy policy, Executor worker, Clock clock, DoubleSupplier random, Listener listener) {
        this.policy = policy;
        this.worker = worker;
        this.clock = clock;
        this.random = random;
        this.listener = listener != null ? listener : new Listener() {
            @Override
            public void retrying(String operation, String reason, int attempt, Duration delay, Throwable failure) {
            }

            @Override
            public void gaveUp(String operation, String reason, int attempts, Throwable failure) {
            }
        };
    }

    public Policy policy() {
        return policy;
    }

    /** The same retry (policy, listener) with its calls run on {@code other}: a caller's own pool. */
    public ApiRetry on(Executor other) {
        return new ApiRetry(policy, other, clock, random, listener);
    }

    /**
     * For a caller that cannot go on without the answer (a plan, a pre-check, a snapshot, a Job's read): {@link #call}
     * and wait for it. The wait is bounded: no retry starts past the policy's deadline and each try by the client's
     * request timeout. The last failure is thrown as it was.
     */
    public <T> T get(String operation, Supplier<T> op) {
        try {
            return call(operation, op).join();
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            Throwable failure = Failures.unwrap(e);
            if (failure instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /** Runs {@code op} on the worker, again after a transient failure; the future fails with the last failure as it was. */
    public <T> CompletableFuture<T> call(String operation, Supplier<T> op) {
        return attempt(operation, op, clock.instant(), 0);
    }

    private <T> CompletableFuture<T> attempt(String operation, Supplier<T> op, Instant first, int retries) {
        return CompletableFuture.supplyAsync(op, worker).handle((value, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(value);
            }
            Throwable failure = Failures.unwrap(error);
            Optional<Transient> why = classify(failure);
            if (why.isEmpty()) {
                return CompletableFuture.<T>failedFuture(failure);
            }
            Optional<Duration> delay = nextDelay(retries, Duration.between(first, clock.instant()),
                    why.get().retryAfter(), random.getAsDouble());
            if (delay.isEmpty()) {
                LOG.warn("{}: giving up after {} tries in {} ms ({}): {}", operation, retries + 1,
                        Duration.between(first, clock.instant()).toMillis(), why.get().reason(), Failures.message(failure));
                listener.gaveUp(operation, why.get().reason(), retries + 1, failure);
                return CompletableFuture.<T>failedFuture(failure);
            }
            LOG.warn("{}: {} (try {} of {}), retrying in {} ms{}", operation, Failures.message(failure), retries + 1,
                    policy.attempts() + 1, delay.get().toMillis(), why.get().retryAfter().isZero() ? ""
                            : " (Retry-After " + why.get().retryAfter().toSeconds() + " s)");
            listener.retrying(operation, why.get().reason(), retries + 1, delay.get(), failure);
            Executor later = CompletableFuture.delayedExecutor(delay.get().toMillis(), TimeUnit.MILLISECONDS, worker);
            return CompletableFuture.runAsync(() -> { }, later).thenCompose(x -> attempt(operation, op, first, retries + 1));
        }).thenCompose(f -> f);
    }

    /**
     * The wait before the next try after {@code retries} retries failed (the first try counts as none), or
     * empty when the policy allows no more: out of attempts, or the wait would end past the deadline.
     * {@code random} in [0, 1) draws the jitter: the wait is {@code random × min(maxBackoff, backoff × 2^retries)},
     * raised to the server's {@code retryAfter}.
     */
    public Optional<Duration> nextDelay(int retries, Duration elapsed, Duration retryAfter, double random) {
        if (retries >= policy.attempts()) {
            return Optional.empty();
        }
        long ceiling = Math.min(policy.maxBackoff().toMillis(), policy.backoff().toMillis() << Math.min(retries, 30));
        long wait = Math.max((long) (random * ceiling), retryAfter == null ? 0 : retryAfter.toMillis());
        if (elapsed.toMillis() + wait > policy.deadline().toMillis()) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofMillis(wait));
    }

    /** A failure worth another try, with the wait the server asked for; empty for one that would fail again. */
    public static Optional<Transient> classify(Throwable failure) {
        KubernetesClientException k = Failures.find(failure, KubernetesClientException.class).orElse(null);
        if (k == null) {
            return Failures.find(failure, IOException.class).map(io -> new Transient("unreachable", Duration.ZERO));
        }
        return switch (k.getCode()) {
            case 409, 429, 500, 502, 503, 504 -> Optional.of(new Transient(Integer.toString(k.getCode()), retryAfter(k)));
            case 0 -> Optional.of(new Transient("unreachable", Duration.ZERO));
            default -> Failures.find(k, IOException.class).map(io -> new Transient("unreachable", Duration.ZERO));
        };
    }

    /** The Status' {@code details.retryAfterSeconds}: the API server puts its {@code Retry-After} there too. */
    private static Duration retryAfter(KubernetesClientException k) {
        if (k.getStatus() != null && k.getStatus().getDetails() != null
                && k.getStatus().getDetails().getRetryAfterSeconds() != null) {
            return Duration.ofSeconds(Math.max(0, k.getStatus().getDetails().getRetryAfterSeconds()));
        }
        return Duration.ZERO;
    }
}
