package io.upshift.upgrade;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.upshift.kubernetes.VerifyJobs;
import io.upshift.kubernetes.WorkloadSpec;
import io.upshift.version.JobSpec;

/**
 * Runs an upgrade's jobs (the version's {@code jobs.before} / {@code jobs.after}, a service's
 * {@code jobs.before}) as Kubernetes Jobs, through the same create / watch / log-tail code as the
 * verification Jobs ({@link VerifyJobs}). The Job is named after the upgrade and the job's attempt
 * ({@link JobProgress#kubernetesName}), so a restarted process finds the Job it created and waits
 * for it rather than running the migration twice; ended Jobs stay in the cluster for
 * {@code keepFor} ({@code ttlSecondsAfterFinished}) for the same reason and for operators to read.
 * The future fails with {@link JobFailedException} (carrying the output) when the Job fails.
 */
public class UpgradeJobs {

    /** {@code upshift.jobs.*}: the timeout of a job that sets none, and how long an ended Job is kept. */
    public record Settings(Duration timeout, Duration keepFor) {
    }

    /** How a job ended: its Job's name, the condition's reason ({@code Completed}, …) and its pod's log tail. */
    public record Result(String kubernetesName, String reason, String output) {
    }

    private final VerifyJobs jobs;
    private final Settings settings;

    public UpgradeJobs(VerifyJobs jobs, Settings settings) {
        this.jobs = jobs;
        this.settings = settings;
    }

    public CompletableFuture<Result> run(String upgradeId, JobProgress job) {
        String name = job.kubernetesName(upgradeId);
        JobSpec spec = job.spec();
        Duration timeout = spec.timeoutSeconds() == null ? settings.timeout() : Duration.ofSeconds(spec.timeoutSeconds());
        Map<String, String> labels = Map.of("app.kubernetes.io/managed-by", "upshift",
                "upshift.io/upgrade", upgradeId.toLowerCase(Locale.ROOT), "upshift.io/job", job.name());
        return jobs.run(new VerifyJobs.Spec(job.namespace(), name, labels, "job", spec.image(), spec.command(),
                spec.args(), spec.env() == null ? null : WorkloadSpec.envVars(spec.env()), spec.backoffLimit(), timeout,
                settings.keepFor()))
                .thenCompose(o -> {
                    Result result = new Result(name, o.reason(), o.logTail());
                    return o.succeeded() ? CompletableFuture.completedFuture(result)
                            : CompletableFuture.failedFuture(new JobFailedException(job.name(), result));
                });
    }

    /** The Job failed (backoff limit, deadline, not created): its result says why, with the output. */
    public static final class JobFailedException extends RuntimeException {
        private final transient Result result;

        JobFailedException(String job, Result result) {
            super("job " + job + " failed: " + result.reason(), null, false, false);
            this.result = result;
        }

        public Result result() {
            return result;
        }
    }
}
