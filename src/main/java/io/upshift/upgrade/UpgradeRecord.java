package io.upshift.upgrade;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.upshift.precheck.PrecheckReport;
import io.upshift.probe.ServiceAvailability;
import io.upshift.verify.VerificationReport;
import io.upshift.version.DependencyGraph;

/**
 * The Upgrade Record of one upgrade, as the API shows it and the lifecycle stores it. {@code
 * trigger} is {@code http}, {@code inbox}, {@code schedule} or {@code rollback}; {@code phase} is
 * the pass an active upgrade is in; {@code overran} is true when a scheduled upgrade was still
 * running after its window closed; {@code rollbackOf} / {@code rolledBackBy} link a rollback and
 * the upgrade it undoes; {@code actions} lists what operators did to it, oldest first;
 * {@code prechecks} is the report of the {@code PRECHECKING} stage and {@code acceptWarnings} whether
 * the request accepted its warnings; {@code verification} holds the checks of the {@code VERIFYING}
 * stage, per service; {@code availability} what the services' probes measured while it ran.
 */
public record UpgradeRecord(String id, String fromVersion, String targetVersion, UpgradeMode requestedMode,
        UpgradeMode mode, String modeReason, UpgradeState state, Phase phase, String trigger, String requestedBy,
        Instant createdAt, Instant startedAt, Instant finishedAt, Progress progress, List<ServiceProgress> services,
        String message, Instant windowEndsAt, boolean overran, int parallelism, String rollbackOf,
        String rolledBackBy, List<ActionEntry> actions, PrecheckReport prechecks, boolean acceptWarnings,
        VerificationReport verification, List<ServiceAvailability> availability,
        // release (issue 13): the jobs it runs, with their stage and state
        List<JobProgress> jobs) {

    public UpgradeRecord {
        services = services == null ? List.of() : List.copyOf(services);
        jobs = jobs == null ? List.of() : List.copyOf(jobs);
        actions = actions == null ? List.of() : List.copyOf(actions);
        availability = availability == null ? List.of() : List.copyOf(availability);
        progress = progressOf(services);
    }

    /** A record without verification results (as every record was before the VERIFYING stage checked anything). */
    public UpgradeRecord(String id, String fromVersion, String targetVersion, UpgradeMode requestedMode,
            UpgradeMode mode, String modeReason, UpgradeState state, Phase phase, String trigger, String requestedBy,
            Instant createdAt, Instant startedAt, Instant finishedAt, Progress progress, List<ServiceProgress> services,
            String message, Instant windowEndsAt, boolean overran, int parallelism, String rollbackOf,
            String rolledBackBy, List<ActionEntry> actions, PrecheckReport prechecks, boolean acceptWarnings) {
        this(id, fromVersion, targetVersion, requestedMode, mode, modeReason, state, phase, trigger, requestedBy,
                createdAt, startedAt, finishedAt, progress, services, message, windowEndsAt, overran, parallelism,
                rollbackOf, rolledBackBy, actions, prechecks, acceptWarnings, null, List.of(), List.of());
    }

    /** A newly accepted upgrade: PENDING, nothing done. */
    public static UpgradeRecord accepted(String id, String fromVersion, String targetVersion, UpgradeMode requestedMode,
            UpgradeMode mode, String modeReason, String trigger, String requestedBy, Instant at,
            List<ServiceProgress> services, Instant windowEndsAt, int parallelism, String rollbackOf,
            boolean acceptWarnings) {
        return new UpgradeRecord(id, fromVersion, targetVersion, requestedMode, mode, modeReason, UpgradeState.PENDING,
                null, trigger, requestedBy, at, null, null, null, services, "accepted", windowEndsAt, false, parallelism,
                rollbackOf, null, List.of(), null, acceptWarnings);
    }

    public UpgradeRecord in(UpgradeState newState, Phase newPhase, String newMessage) {
        return new UpgradeRecord(id, fromVersion, targetVersion, requestedMode, mode, modeReason, newState, newPhase,
                trigger, requestedBy, createdAt, startedAt, finishedAt, progress, services, newMessage, windowEndsAt,
                overran, parallelism, rollbackOf, rolledBackBy, actions, prechecks, acceptWarnings, verification, availability, jobs);
    }

    /** Starts running (again, after a resume: no longer finished). */
    public UpgradeRecord running(Instant at, Phase newPhase, String newMessage) {
        return new UpgradeRecord(id, fromVersion, targetVersion, requestedMode, mode, modeReason, UpgradeState.UPGRADING,
                newPhase, trigger, requestedBy, createdAt, startedAt == null ? at : startedAt, null, progress, services,
                newMessage, windowEndsAt, overran, parallelism, rollbackOf, rolledBackBy, actions, prechecks, acceptWarnings, verification, availability, jobs);
    }

    /** Ends in a final state; a service never started is marked so, with the image it still runs. */
    public UpgradeRecord ended(UpgradeState newState, Instant at, String newMessage) {
        boolean late = overran || (windowEndsAt != null && at.isAfter(windowEndsAt));
        List<ServiceProgress> closed = new ArrayList<>(services.size());
        for (ServiceProgress s : services) {
            closed.add(s.state() == ServiceState.PENDING
                    ? s.with(ServiceState.NOT_STARTED, "not started; runs " + s.fromImage()) : s);
        }
        List<JobProgress> notRun = jobs.stream().map(j -> j.state() == ServiceState.PENDING
                ? j.with(ServiceState.NOT_STARTED, "not run") : j).toList();
        return new UpgradeRecord(id, fromVersion, targetVersion, requestedMode, mode, modeReason, newState, null,
                trigger, requestedBy, createdAt, startedAt, at, progress, closed, newMessage, windowEndsAt, late,
                parallelism, rollbackOf, rolledBackBy, actions, prechecks, acceptWarnings, verification, availability,
                notRun);
    }

    public UpgradeRecord withMessage(String newMessage) {
        return in(state, phase, newMessage);
    }

    public UpgradeRecord withServices(List<ServiceProgress> newServices) {
        return new UpgradeRecord(id, fromVersion, targetVersion, requestedMode, mode, modeReason, state, phase,
                trigger, requestedBy, createdAt, startedAt, finishedAt, progress, newServices, message, windowEndsAt,
                overran, parallelism, rollbackOf, rolledBackBy, actions, prechecks, acceptWarnings, verification, availability, jobs);
    }

    /** The record with one service's line replaced. */
    public UpgradeRecord withService(ServiceProgress updated) {
        List<ServiceProgress> changed = new ArrayList<>(services.size());
        for (ServiceProgress s : services) {
            changed.add(s.name().equals(updated.name()) ? updated : s);
        }
        return withServices(changed);
    }

    /** The record with {@code change} applied to every service line. */
    public UpgradeRecord mapServices(UnaryOperator<ServiceProgress> change) {
        return withServices(services.stream().map(change).toList());
    }

    public UpgradeRecord withAction(ActionEntry entry) {
        List<ActionEntry> more = new ArrayList<>(actions);
        more.add(entry);
        return new UpgradeRecord(id, fromVersion, targetVersion, requestedMode, mode, modeReason, state, phase,
                trigger, requestedBy, createdAt, startedAt, finishedAt, progress, services, message, windowEndsAt,
                overran, parallelism, rollbackOf, rolledBackBy, more, prechecks, acceptWarnings, verification, availability, jobs);
    }

    public UpgradeRecord withPrechecks(PrecheckReport report) {
        return new UpgradeRecord(id, fromVersion, targetVersion, requestedMode, mode, modeReason, state, phase,
                trigger, requestedBy, createdAt, startedAt, finishedAt, progress, services, message, windowEndsAt,
                overran, parallelism, rollbackOf, rolledBackBy, actions, report, acceptWarnings, verification, availability, jobs);
    }

    public UpgradeRecord withVerification(VerificationReport report) {
        return new UpgradeRecord(id, fromVersion, targetVersion, requestedMode, mode, modeReason, state, phase,
                trigger, requestedBy, createdAt, startedAt, finishedAt, progress, services, message, windowEndsAt,
                overran, parallelism, rollbackOf, rolledBackBy, actions, prechecks, acceptWarnings, report, availability, jobs);
    }

    public UpgradeRecord withAvailability(List<ServiceAvailability> measured) {
        return new UpgradeRecord(id, fromVersion, targetVersion, requestedMode, mode, modeReason, state, phase,
                trigger, requestedBy, createdAt, startedAt, finishedAt, progress, services, message, windowEndsAt,
                overran, parallelism, rollbackOf, rolledBackBy, actions, prechecks, acceptWarnings, verification,
                measured, jobs);
    }

    /** Verifying (again, after resume-verification: no longer finished). */
    public UpgradeRecord verifying(String newMessage) {
        return new UpgradeRecord(id, fromVersion, targetVersion, requestedMode, mode, modeReason, UpgradeState.VERIFYING,
                null, trigger, requestedBy, createdAt, startedAt, null, progress, services, newMessage, windowEndsAt,
                overran, parallelism, rollbackOf, rolledBackBy, actions, prechecks, acceptWarnings, verification, availability, jobs);
    }

    public UpgradeRecord withRolledBackBy(String rollbackId) {
        return new UpgradeRecord(id, fromVersion, targetVersion, requestedMode, mode, modeReason, state, phase,
                trigger, requestedBy, createdAt, startedAt, finishedAt, progress, services, message, windowEndsAt,
                overran, parallelism, rollbackOf, rollbackId, actions, prechecks, acceptWarnings, verification, availability, jobs);
    }

    /** The record with its jobs (accepted with the plan's). */
    public UpgradeRecord withJobs(List<JobProgress> newJobs) {
        return new UpgradeRecord(id, fromVersion, targetVersion, requestedMode, mode, modeReason, state, phase,
                trigger, requestedBy, createdAt, startedAt, finishedAt, progress, services, message, windowEndsAt,
                overran, parallelism, rollbackOf, rolledBackBy, actions, prechecks, acceptWarnings, verification,
                availability, newJobs);
    }

    /** The record with one job's line replaced. */
    public UpgradeRecord withJob(JobProgress updated) {
        return withJobs(jobs.stream().map(j -> j.name().equals(updated.name()) ? updated : j).toList());
    }

    /** The job whose line or graph node ({@code job:<name>}) this is. */
    public Optional<JobProgress> job(String nameOrNode) {
        String name = JobProgress.isNode(nameOrNode) ? nameOrNode.substring(JobProgress.NODE.length()) : nameOrNode;
        return jobs.stream().filter(j -> j.name().equals(name)).findFirst();
    }

    public Optional<ServiceProgress> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The services and what each depends on, in the record's order. */
    public DependencyGraph graph() {
        Map<String, List<String>> graph = new LinkedHashMap<>();
        services.forEach(s -> graph.put(s.name(), s.dependsOn()));
        return DependencyGraph.of(graph);
    }

    @JsonIgnore
    public boolean isAllDone() {
        return services.stream().allMatch(s -> s.state().isDone());
    }

    private static Progress progressOf(List<ServiceProgress> services) {
        int done = (int) services.stream().filter(s -> s.state().isDone()).count();
        return Progress.of(done, services.size());
    }
}
