package io.upshift.upgrade;

import java.time.Instant;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.upshift.version.JobSpec;

/**
 * One job's line in an upgrade record: what it runs ({@code spec}, copied from the version config
 * when the upgrade was accepted, so a restart needs nothing else), when ({@code stage}, and for
 * {@link JobStage#SERVICE_BEFORE} the {@code service} it precedes), where it stands, and how it ended
 * ({@code output}: the tail of its pod's log). {@code attempt} names the Kubernetes Job: a resumed
 * upgrade runs a failed job again as a new Job, while a restart finds the one it created.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobProgress(String name, JobStage stage, String service, String namespace, JobSpec spec,
        ServiceState state, int attempt, Instant startedAt, Instant finishedAt, String message, String output) {

    /** The prefix of a job's node in a phase's graph (service names are DNS labels: no colon). */
    public static final String NODE = "job:";

    public static JobProgress pending(String name, JobStage stage, String service, String namespace, JobSpec spec) {
        return new JobProgress(name, stage, service, namespace, spec, ServiceState.PENDING, 1, null, null, null, null);
    }

    /** This job's node in a phase's graph. */
    @JsonIgnore
    public String node() {
        return NODE + name;
    }

    public static boolean isNode(String node) {
        return node.startsWith(NODE);
    }

    /**
     * The Kubernetes Job's name: {@code <job>-<upgrade>-<attempt>}, a DNS-1123 label of at most 63
     * characters (the job's name shortened if need be), the same on every process that drives the upgrade.
     */
    public String kubernetesName(String upgradeId) {
        String suffix = "-" + upgradeId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "") + "-" + attempt;
        String base = name.length() + suffix.length() > 63 ? name.substring(0, Math.max(1, 63 - suffix.length())) : name;
        return (base + suffix).replaceAll("-+", "-");
    }

    public JobProgress started(Instant at) {
        return new JobProgress(name, stage, service, namespace, spec, ServiceState.RUNNING, attempt,
                startedAt == null ? at : startedAt, null, "running", null);
    }

    public JobProgress ended(boolean succeeded, Instant at, String newMessage, String newOutput) {
        return new JobProgress(name, stage, service, namespace, spec,
                succeeded ? ServiceState.SUCCEEDED : ServiceState.FAILED, attempt, startedAt, at, newMessage, newOutput);
    }

    public JobProgress with(ServiceState newState, String newMessage) {
        return new JobProgress(name, stage, service, namespace, spec, newState, attempt, startedAt, finishedAt,
                newMessage, output);
    }

    /** Pending again (a resume): a failed job runs as a new Kubernetes Job, an interrupted one is looked for first. */
    public JobProgress retried() {
        int next = state == ServiceState.FAILED ? attempt + 1 : attempt;
        return new JobProgress(name, stage, service, namespace, spec, ServiceState.PENDING, next, null, null, null,
                null);
    }

    /** When it runs, for people: {@code before the services}, {@code before metadata}, {@code after the services}. */
    @JsonIgnore
    public String when() {
        return switch (stage) {
            case BEFORE -> "before the services";
            case SERVICE_BEFORE -> "before " + service;
            case AFTER -> "after the services";
        };
    }
}
