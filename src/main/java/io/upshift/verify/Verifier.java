package io.upshift.verify;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import io.upshift.Failures;
import io.upshift.kubernetes.ServiceProxy;
import io.upshift.kubernetes.VerifyJobs;
import io.upshift.upgrade.DagOutcome;
import io.upshift.upgrade.DagRunner;
import io.upshift.upgrade.NodeOutcome;
import io.upshift.upgrade.NodeState;
import io.upshift.upgrade.ServiceProgress;
import io.upshift.upgrade.UpgradeRecord;
import io.upshift.version.ServiceSpec;
import io.upshift.version.VerifySpec;
import io.upshift.version.VersionConfig;
import io.upshift.version.VersionStore;

/**
 * The {@code VERIFYING} stage's checks: each service's {@code verify} of the version it was upgraded
 * to, over the dependency graph (a service's checks start once its dependencies' passed; independent
 * ones run side by side, at most {@code parallelism}), without a thread held while a request or a Job
 * runs. A failed check starts no further service's checks (those are reported {@code skipped}).
 */
public class Verifier {

    /** Tunables ({@code upshift.verify.*}). */
    public record Settings(Duration httpTimeout, Duration retryDelay, Duration jobTimeout, int parallelism) {
    }

    private final VersionStore versions;
    private final ServiceProxy proxy;
    private final VerifyJobs jobs;
    private final Clock clock;
    private final Settings settings;

    public Verifier(VersionStore versions, ServiceProxy proxy, VerifyJobs jobs, Clock clock, Settings settings) {
        this.versions = versions;
        this.proxy = proxy;
        this.jobs = jobs;
        this.clock = clock;
        this.settings = settings;
    }

    /** The checks of the record's target version; completes (never exceptionally) with the report. */
    public CompletableFuture<VerificationReport> verify(UpgradeRecord record, Consumer<String> log) {
        VersionConfig target = versions.find(record.targetVersion()).orElse(null);
        Map<String, VerifySpec> checks = new LinkedHashMap<>();
        for (ServiceProgress s : record.services()) {
            VerifySpec spec = target == null ? null : target.service(s.name()).map(ServiceSpec::verify).orElse(null);
            if (spec != null) {
                checks.put(s.name(), spec);
            }
        }
        if (checks.isEmpty()) {
            return CompletableFuture.completedFuture(new VerificationReport(List.of(), clock.instant()));
        }
        Set<String> unchecked = record.services().stream().map(ServiceProgress::name)
                .filter(n -> !checks.containsKey(n)).collect(Collectors.toSet());
        Map<String, ServiceProgress> services = new LinkedHashMap<>();
        record.services().forEach(s -> services.put(s.name(), s));
        return DagRunner.of(record.graph()).parallelism(settings.parallelism()).alreadyDone(unchecked)
                .start(name -> check(record, services.get(name), checks.get(name), log))
                .outcome()
                .thenApply(outcome -> report(record, checks, outcome));
    }

    private VerificationReport report(UpgradeRecord record, Map<String, VerifySpec> checks,
            DagOutcome<ServiceChecks> outcome) {
        List<ServiceChecks> results = new ArrayList<>();
        String failed = outcome.nodesIn(NodeState.FAILED).stream().collect(Collectors.joining(", "));
        for (var entry : checks.entrySet()) {
            NodeOutcome<ServiceChecks> node = outcome.nodes().get(entry.getKey());
            if (node.state() == NodeState.SUCCEEDED) {
                results.add(node.result());
            } else if (node.state() == NodeState.FAILED) {
                results.add(Failures.find(node.cause(), ChecksFailed.class).map(ChecksFailed::checks)
                        .orElseGet(() -> new ServiceChecks(entry.getKey(), List.of(new CheckResult("verify",
                                CheckResult.FAIL, Failures.message(Failures.unwrap(node.cause())), clock.instant())))));
            } else {
                results.add(new ServiceChecks(entry.getKey(), names(entry.getValue()).stream()
                        .map(n -> new CheckResult(n, CheckResult.SKIPPED, "not run: " + failed + " failed first",
                                clock.instant())).toList()));
            }
        }
        return new VerificationReport(results, clock.instant());
    }

    /** The service's checks in order (httpGet, then job); the future fails with {@link ChecksFailed} when one does. */
    private CompletableFuture<ServiceChecks> check(UpgradeRecord record, ServiceProgress s, VerifySpec spec,
            Consumer<String> log) {
        List<CheckResult> results = new ArrayList<>();
        CompletableFuture<Boolean> chain = CompletableFuture.completedFuture(true);
        if (spec.httpGet() != null) {
            chain = chain.thenCompose(ok -> httpGet(s, spec.httpGet(), 1)).thenApply(r -> {
                results.add(r);
                log.accept(s.name() + ": verify " + r.check() + ": " + r.result() + " (" + r.detail() + ")");
                return r.passed();
            });
        }
        if (spec.job() != null) {
            chain = chain.thenCompose(ok -> ok ? job(record, s, spec.job()) : CompletableFuture.completedFuture(null))
                    .thenApply(r -> {
                        if (r == null) {
                            results.add(new CheckResult(jobName(spec.job()), CheckResult.SKIPPED,
                                    "not run: the httpGet check failed", clock.instant()));
                            return false;
                        }
                        results.add(r);
                        log.accept(s.name() + ": verify " + r.check() + ": " + r.result() + " (" + r.detail().lines()
                                .findFirst().orElse("") + ")");
                        r.detail().lines().skip(1).forEach(line -> log.accept(s.name() + ":   | " + line));
                        return r.passed();
                    });
        }
        return chain.thenCompose(ok -> {
            ServiceChecks done = new ServiceChecks(s.name(), results);
            return ok ? CompletableFuture.completedFuture(done) : CompletableFuture.failedFuture(new ChecksFailed(done));
        });
    }

    private CompletableFuture<CheckResult> httpGet(ServiceProgress s, VerifySpec.HttpGet spec, int attempt) {
        String name = "httpGet " + spec.path() + " on port " + spec.port();
        Duration timeout = spec.timeoutOr(settings.httpTimeout());
        return proxy.get(s.namespace(), s.deployment(), spec.port(), spec.path(), timeout)
                .handle((answer, error) -> {
                    String seen = error != null ? "no answer: " + Failures.message(Failures.unwrap(error))
                            : "answered " + answer.status() + (answer.body().isBlank() ? "" : ": " + answer.body());
                    boolean ok = error == null && answer.status() == spec.expectedStatus();
                    return new CheckResult(name, ok ? CheckResult.PASS : CheckResult.FAIL,
                            seen + " (expected " + spec.expectedStatus() + ", attempt " + attempt + " of "
                                    + spec.maxAttempts() + ")", clock.instant());
                })
                .thenCompose(r -> r.passed() || attempt >= spec.maxAttempts() ? CompletableFuture.completedFuture(r)
                        : CompletableFuture.supplyAsync(() -> null, delayed(settings.retryDelay()))
                                .thenCompose(x -> httpGet(s, spec, attempt + 1)));
    }

    private CompletableFuture<CheckResult> job(UpgradeRecord record, ServiceProgress s, VerifySpec.Job spec) {
        String jobName = jobName(record, s);
        Duration timeout = spec.timeoutOr(settings.jobTimeout());
        return jobs.run(new VerifyJobs.Spec(s.namespace(), jobName, Map.of("app.kubernetes.io/managed-by", "upshift",
                "upshift.io/upgrade", record.id().toLowerCase(Locale.ROOT), "upshift.io/service", s.name()),
                spec.image(), spec.command(), timeout))
                .thenApply(o -> new CheckResult(jobName(spec), o.succeeded() ? CheckResult.PASS : CheckResult.FAIL,
                        "Job " + jobName + " " + (o.succeeded() ? "succeeded" : "failed: " + o.reason())
                                + (o.logTail().isBlank() ? "" : "\n" + o.logTail()), clock.instant()));
    }

    private static String jobName(VerifySpec.Job spec) {
        return "job " + spec.image();
    }

    /** {@code verify-<service>-<millis>}: unique per run, a DNS-1123 label of at most 63 characters. */
    private String jobName(UpgradeRecord record, ServiceProgress s) {
        String suffix = "-" + Long.toString(clock.millis(), 36);
        String base = ("verify-" + s.name()).toLowerCase(Locale.ROOT);
        return base.substring(0, Math.min(base.length(), 63 - suffix.length())) + suffix;
    }

    private static List<String> names(VerifySpec spec) {
        List<String> names = new ArrayList<>();
        if (spec.httpGet() != null) {
            names.add("httpGet " + spec.httpGet().path() + " on port " + spec.httpGet().port());
        }
        if (spec.job() != null) {
            names.add(jobName(spec.job()));
        }
        return names;
    }

    private static Executor delayed(Duration delay) {
        return CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A service's checks did not all pass (carries them, for the report). */
    static final class ChecksFailed extends RuntimeException {
        private final transient ServiceChecks checks;

        ChecksFailed(ServiceChecks checks) {
            super(checks.service() + ": verification failed", null, false, false);
            this.checks = checks;
        }

        ServiceChecks checks() {
            return checks;
        }
    }
}
