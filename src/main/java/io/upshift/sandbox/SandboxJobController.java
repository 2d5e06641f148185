package io.upshift.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.upshift.kubernetes.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's job controller and kubelet for Jobs, reduced to timing: a Job's pod runs for the
 * sandbox's readiness delay (or the Job's {@value #DURATION_ANNOTATION} annotation, or N seconds for a
 * container that runs {@code sleep N}) and then
 * succeeds, unless its image matches the broken-image pattern, in which case it exits 1 and the Job
 * retries up to {@code backoffLimit} (default 6) before it fails ({@code BackoffLimitExceeded});
 * {@code activeDeadlineSeconds} fails it at its deadline ({@code DeadlineExceeded}). Each attempt is
 * a Pod labelled {@code job-name} with a log served at {@code /api/v1/namespaces/{ns}/pods/{pod}/log}.
 * Conditions and counts are written through the status subresource, as the real controller does. A
 * deleted Job takes its pods and logs with it. One thread owns all of it.
 */
final class SandboxJobController implements AutoCloseable {

    public static final String DURATION_ANNOTATION = "upshift.io/job-duration";

    private static final Logger LOG = LoggerFactory.getLogger(SandboxJobController.class);
    private static final int DEFAULT_BACKOFF_LIMIT = 6;

    private final KubernetesClient client;
    private final Duration duration;
    private final Pattern failingImage;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    /** Pod key (namespace/name) → its log. */
    private final Map<String, String> logs = new ConcurrentHashMap<>();
    /** Jobs this controller started (namespace/name → uid): each is run once. */
    private final Map<String, String> started = new ConcurrentHashMap<>();
    private SharedIndexInformer<Job> informer;

    SandboxJobController(KubernetesClient client, Duration duration, String failingImagePattern, Clock clock) {
        this.client = client;
        this.duration = duration;
        this.failingImage = failingImagePattern == null || failingImagePattern.isBlank() ? null
                : Pattern.compile(failingImagePattern);
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sandbox-job-controller");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        informer = client.batch().v1().jobs().inAnyNamespace().runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Job job) {
                thread.execute(() -> run(job));
            }

            @Override
            public void onUpdate(Job oldJob, Job newJob) {
                // the controller's own status writes; a Job's spec is immutable
            }

            @Override
            public void onDelete(Job job, boolean deletedFinalStateUnknown) {
                thread.execute(() -> deleted(job));
            }
        });
        informer.run();
    }

    /** The log of a Job's pod, or empty when no such pod ran here. */
    Optional<String> log(String namespace, String pod) {
        return Optional.ofNullable(logs.get(namespace + "/" + pod));
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.stop();
        }
        thread.shutdownNow();
    }

    private static String key(Job job) {
        return job.getMetadata().getNamespace() + "/" + job.getMetadata().getName();
    }

    private void run(Job job) {
        if (job.getStatus() != null && job.getStatus().getStartTime() != null
                || started.putIfAbsent(key(job), uid(job)) != null) {
            return; // already run (by this controller, or seen again after a relist)
        }
        long now = clock.millis();
        Long deadline = job.getSpec().getActiveDeadlineSeconds();
        writeStatus(job, new JobStatusBuilder().withStartTime(time(now)).withActive(1).build());
        attempt(job, 1, now, deadline == null ? Long.MAX_VALUE : now + deadline * 1000L);
    }

    /** One pod of the Job: it runs, then ends the Job or makes way for the next attempt. */
    private void attempt(Job job, int attempt, long startedAt, long deadlineAt) {
        if (!started.containsKey(key(job))) {
            return; // deleted meanwhile
        }
        Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        String pod = job.getMetadata().getName() + "-" + attempt;
        String namespace = job.getMetadata().getNamespace();
        boolean fails = failingImage != null && failingImage.matcher(Objects.toString(container.getImage(), "")).matches();
        long now = clock.millis();
        long runs = duration(job).toMillis();
        long endsAt = Math.min(now + runs, deadlineAt);
        boolean deadline = endsAt == deadlineAt && now + runs >= deadlineAt;
        createPod(job, pod, container);
        String command = container.getCommand() == null ? "" : String.join(" ", container.getCommand())
                + (container.getArgs() == null ? "" : " " + String.join(" ", container.getArgs()));
        thread.schedule(() -> {
            if (!started.containsKey(key(job))) {
                return;
            }
            List<String> lines = new ArrayList<>();
            lines.add("sandbox: " + container.getImage() + (command.isBlank() ? "" : " " + command.trim()));
            int failed = attempt - (fails || deadline ? 0 : 1);
            if (deadline) {
                lines.add("sandbox: killed at the Job's activeDeadlineSeconds");
                finish(job, pod, lines, false, failed, "DeadlineExceeded",
                        "Job was active longer than specified deadline", startedAt);
            } else if (fails) {
                lines.add("sandbox: image matches the failing-image pattern " + failingImage.pattern() + ": exit code 1");
                int limit = job.getSpec().getBackoffLimit() == null ? DEFAULT_BACKOFF_LIMIT : job.getSpec().getBackoffLimit();
                if (attempt > limit) {
                    finish(job, pod, lines, false, failed, "BackoffLimitExceeded",
                            "Job has reached the specified backoff limit", startedAt);
                } else {
                    endPod(namespace, pod, lines, false);
                    writeStatus(job, new JobStatusBuilder().withStartTime(time(startedAt)).withActive(1)
                            .withFailed(failed).build());
                    attempt(job, attempt + 1, startedAt, deadlineAt);
                }
            } else {
                lines.add("sandbox: completed in " + runs + " ms: exit code 0");
                finish(job, pod, lines, true, failed, "Completed", "Reached expected number of succeeded pods",
                        startedAt);
            }
        }, endsAt - now, TimeUnit.MILLISECONDS);
    }

    private void finish(Job job, String pod, List<String> lines, boolean succeeded, int failed, String reason,
            String message, long startedAt) {
        endPod(job.getMetadata().getNamespace(), pod, lines, succeeded);
        String now = time(clock.millis());
        List<JobCondition> conditions = new ArrayList<>();
        if (succeeded) {
            conditions.add(condition("SuccessCriteriaMet", reason, message, now));
            conditions.add(condition("Complete", reason, message, now));
        } else {
            conditions.add(condition("FailureTarget", reason, message, now));
            conditions.add(condition("Failed", reason, message, now));
        }
        JobStatusBuilder status = new JobStatusBuilder().withStartTime(time(startedAt)).withConditions(conditions)
                .withFailed(failed == 0 ? null : failed);
        if (succeeded) {
            status.withSucceeded(1).withCompletionTime(now);
        }
        writeStatus(job, status.build());
    }

    private static JobCondition condition(String type, String reason, String message, String now) {
        return new JobConditionBuilder().withType(type).withStatus("True").withReason(reason).withMessage(message)
                .withLastProbeTime(now).withLastTransitionTime(now).build();
    }

    private void createPod(Job job, String name, Container container) {
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(job.getMetadata().getNamespace())
                .withLabels(Map.of("job-name", job.getMetadata().getName(), "batch.kubernetes.io/job-name",
                        job.getMetadata().getName(), "controller-uid", uid(job)))
                .endMetadata()
                .withNewSpec().withRestartPolicy("Never").withContainers(container).endSpec()
                .withNewStatus().withPhase("Running").withStartTime(time(clock.millis())).endStatus()
                .build();
        logs.put(job.getMetadata().getNamespace() + "/" + name, "");
        try {
            client.pods().inNamespace(job.getMetadata().getNamespace()).resource(pod).create();
        } catch (KubernetesClientException e) {
            LOG.warn("Sandbox job controller could not create pod {}: {}", name, e.getMessage());
        }
    }

    private void endPod(String namespace, String name, List<String> lines, boolean succeeded) {
        logs.put(namespace + "/" + name, String.join("\n", lines) + "\n");
        try {
            client.pods().inNamespace(namespace).withName(name).edit(p -> new PodBuilder(p).editStatus()
                    .withPhase(succeeded ? "Succeeded" : "Failed").endStatus().build());
        } catch (KubernetesClientException e) {
            LOG.warn("Sandbox job controller could not end pod {}: {}", name, e.getMessage());
        }
    }

    private void deleted(Job job) {
        started.remove(key(job));
        String namespace = job.getMetadata().getNamespace();
        try {
            client.pods().inNamespace(namespace).withLabel("job-name", job.getMetadata().getName()).delete();
        } catch (KubernetesClientException e) {
            LOG.warn("Sandbox job controller could not delete the pods of {}: {}", key(job), e.getMessage());
        }
        logs.keySet().removeIf(k -> k.startsWith(namespace + "/" + job.getMetadata().getName() + "-"));
    }

    private void writeStatus(Job job, JobStatus status) {
        try {
            Job current = client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace())
                    .withName(job.getMetadata().getName()).get();
            if (current != null) {
                client.batch().v1().jobs().inNamespace(job.getMetadata().getNamespace())
                        .resource(new JobBuilder(current).withStatus(status).build()).updateStatus();
            }
        } catch (KubernetesClientException e) {
            LOG.warn("Sandbox job controller could not write the status of {}: {}", key(job), e.getMessage());
        }
    }

    private Duration duration(Job job) {
        Map<String, String> annotations = job.getMetadata().getAnnotations();
        String annotated = annotations == null ? null : annotations.get(DURATION_ANNOTATION);
        if (annotated != null) {
            return Durations.parse(annotated);
        }
        Duration sleeps = sleep(job.getSpec().getTemplate().getSpec().getContainers().get(0));
        return sleeps != null ? sleeps : duration;
    }

    /** A container that runs {@code sleep <seconds>} (command, or command + args) takes that long, as on a node. */
    static Duration sleep(Container c) {
        List<String> words = new ArrayList<>();
        if (c.getCommand() != null) {
            words.addAll(c.getCommand());
        }
        if (c.getArgs() != null) {
            words.addAll(c.getArgs());
        }
        if (words.size() == 2 && words.get(0).matches("(/(usr/)?bin/)?sleep") && words.get(1).matches("\\d{1,6}")) {
            return Duration.ofSeconds(Long.parseLong(words.get(1)));
        }
        return null;
    }

    private static String uid(Job job) {
        return job.getMetadata().getUid() == null ? job.getMetadata().getName() : job.getMetadata().getUid();
    }

    private static String time(long millis) {
        return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
