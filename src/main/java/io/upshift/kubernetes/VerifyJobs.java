package io.upshift.kubernetes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.upshift.Failures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a Kubernetes Job (a verification check, an upgrade's data migration) to its end without holding
 * a thread while it runs: the Job is created (one that exists already is the same run, adopted), then
 * watched by name (RBAC: {@code create}, {@code get}, {@code watch}, {@code delete} on jobs); its
 * {@code Complete} or {@code Failed} condition completes the future. Its pod's log tail is read
 * ({@code list} pods by {@code job-name}, {@code get} on {@code pods/log}) and the Job deleted with its
 * pods. {@code activeDeadlineSeconds} bounds it in the cluster, a timer here (the same timeout plus
 * a grace) in case the cluster never says.
 */
public class VerifyJobs {

    /** How the Job ended: {@code reason} is the condition's ({@code Completed}, {@code BackoffLimitExceeded}, …). */
    public record Outcome(boolean succeeded, String reason, String logTail) {
    }

    /**
     * What to run: {@code backoffLimit} retries of the pod (null: none), {@code keep} leaves the ended
     * Job in the cluster (for {@code ttlAfterFinished}) so a process that restarts reads its result
     * instead of running it again; otherwise it is deleted once its log is read.
     */
    public record Spec(String namespace, String name, Map<String, String> labels, String container, String image,
            List<String> command, List<String> args, List<EnvVar> env, Integer backoffLimit, Duration timeout,
            Duration ttlAfterFinished) {

        /** A verification Job: no retries, deleted once read. */
        public Spec(String namespace, String name, Map<String, String> labels, String image, List<String> command,
                Duration timeout) {
            this(namespace, name, labels, "verify", image, command, null, null, 0, timeout, null);
        }

        boolean keep() {
            return ttlAfterFinished != null;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(VerifyJobs.class);
    private static final Duration GRACE = Duration.ofSeconds(10);

    private final KubernetesClient client;
    private final ScheduledExecutorService timers;
    private final Executor blocking;
    private final int logLines;
    private final ApiRetry retry;

    /** Each request retried as {@code retry} says (a Job's create only when no answer came: a 409 is the same Job). */
    public VerifyJobs(KubernetesClient client, ScheduledExecutorService timers, Executor blocking, int logLines,
            ApiRetry retry) {
        this.retry = retry; // its own worker: a retried call never waits for a thread of blocking, which waits for it
        this.client = client;
        this.timers = timers;
        this.blocking = blocking;
        this.logLines = logLines;
    }

    public CompletableFuture<Outcome> run(Spec spec) {
        CompletableFuture<Job> ended = new CompletableFuture<>();
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        blocking.execute(() -> {
            try {
                var jobs = client.batch().v1().jobs().inNamespace(spec.namespace());
                String what = "Job " + spec.namespace() + "/" + spec.name();
                boolean created = retry.get("create " + what, () -> {
                    try {
                        jobs.resource(job(spec)).create();
                        return true;
                    } catch (KubernetesClientException e) {
                        if (e.getCode() != 409) {
                            throw e;
                        }
                        // created before a restart, or by a try whose answer was lost: the same run
                        return false;
                    }
                });
                if (!created) {
                    LOG.info("{} exists already: waiting for it", what);
                }
                Watch watch = retry.get("watch " + what, () -> jobs.withName(spec.name()).watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, Job job) {
                        end(job).ifPresent(c -> ended.complete(job));
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                        if (!ended.isDone()) {
                            ended.completeExceptionally(cause);
                        }
                    }
                }));
                // the Job may have ended before the watch began
                Job now = retry.get("read " + what, () -> jobs.withName(spec.name()).get());
                if (now != null && end(now).isPresent()) {
                    ended.complete(now);
                }
                ScheduledFuture<?> timer = timers.schedule(() -> ended.completeExceptionally(new IllegalStateException(
                        "no result within " + spec.timeout().toSeconds() + "s")),
                        spec.timeout().plus(GRACE).toMillis(), TimeUnit.MILLISECONDS);
                ended.whenComplete((job, error) -> {
                    watch.close();
                    timer.cancel(false);
                    blocking.execute(() -> outcome.complete(finish(spec, job, error)));
                });
            } catch (RuntimeException e) {
                outcome.complete(new Outcome(false, "NotCreated", Failures.message(e)));
            }
        });
        return outcome;
    }

    private Outcome finish(Spec spec, Job job, Throwable error) {
        String log = logTail(spec);
        if (!spec.keep()) {
            try {
                retry.get("delete Job " + spec.namespace() + "/" + spec.name(), () -> client.batch().v1().jobs()
                        .inNamespace(spec.namespace()).withName(spec.name())
                        .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete());
            } catch (RuntimeException e) {
                LOG.warn("Could not delete Job {}/{}: {}", spec.namespace(), spec.name(), Failures.message(e));
            }
        }
        if (error != null) {
            return new Outcome(false, "Timeout", Failures.message(Failures.unwrap(error)) + (log.isBlank() ? "" : "\n" + log));
        }
        JobCondition end = end(job).orElseThrow();
        return new Outcome("Complete".equals(end.getType()), end.getReason(), log);
    }

    /** The last lines of the Job's latest pod's log; empty when none could be read. */
    private String logTail(Spec spec) {
        try {
            List<Pod> pods = new ArrayList<>(retry.get("list the pods of Job " + spec.namespace() + "/" + spec.name(),
                    () -> client.pods().inNamespace(spec.namespace()).withLabel("job-name", spec.name()).list().getItems()));
            if (pods.isEmpty()) {
                return "";
            }
            pods.sort((a, b) -> String.valueOf(a.getMetadata().getCreationTimestamp())
                    .compareTo(String.valueOf(b.getMetadata().getCreationTimestamp())));
            String name = pods.get(pods.size() - 1).getMetadata().getName();
            String log = retry.get("read the log of pod " + spec.namespace() + "/" + name,
                    () -> client.pods().inNamespace(spec.namespace()).withName(name).tailingLines(logLines).getLog());
            return log == null ? "" : log.strip();
        } catch (RuntimeException e) {
            return "(log not readable: " + Failures.message(e) + ")";
        }
    }

    private static Optional<JobCondition> end(Job job) {
        if (job == null || job.getStatus() == null || job.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return job.getStatus().getConditions().stream()
                .filter(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType())) && "True".equals(c.getStatus()))
                .findFirst();
    }

    private static Job job(Spec spec) {
        long deadline = Math.max(1, (spec.timeout().toMillis() + 999) / 1000);
        return new JobBuilder().withNewMetadata().withName(spec.name()).withNamespace(spec.namespace())
                .withLabels(spec.labels()).endMetadata()
                .withNewSpec().withBackoffLimit(spec.backoffLimit() == null ? 0 : spec.backoffLimit())
                .withActiveDeadlineSeconds(deadline)
                .withTtlSecondsAfterFinished(spec.keep() ? (int) Math.min(Integer.MAX_VALUE,
                        spec.ttlAfterFinished().toSeconds()) : null)
                .withNewTemplate().withNewMetadata().withLabels(spec.labels()).endMetadata()
                .withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName(spec.container()).withImage(spec.image())
                .withCommand(spec.command() == null || spec.command().isEmpty() ? null : spec.command())
                .withArgs(spec.args() == null || spec.args().isEmpty() ? null : spec.args())
                .withEnv(spec.env() == null || spec.env().isEmpty() ? null : spec.env()).endContainer()
                .endSpec().endTemplate().endSpec().build();
    }
}
