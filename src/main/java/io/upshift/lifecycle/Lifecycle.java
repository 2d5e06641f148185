package io.upshift.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.upshift.RejectedException;
import io.upshift.kubernetes.ServiceChange;
import io.upshift.kubernetes.StepAction;
import io.upshift.kubernetes.StepOutcome;
import io.upshift.upgrade.Action;
import io.upshift.upgrade.ActionEntry;
import io.upshift.upgrade.DagOutcome;
import io.upshift.upgrade.JobProgress;
import io.upshift.upgrade.JobStage;
import io.upshift.upgrade.Phase;
import io.upshift.upgrade.ServiceProgress;
import io.upshift.upgrade.ServiceState;
import io.upshift.upgrade.UpgradeMode;
import io.upshift.upgrade.UpgradeRecord;
import io.upshift.upgrade.UpgradeState;
import io.upshift.version.DependencyGraph;

import static io.upshift.upgrade.UpgradeState.CANCELLED;
import static io.upshift.upgrade.UpgradeState.FAILED;
import static io.upshift.upgrade.UpgradeState.FORCE_STOPPED;
import static io.upshift.upgrade.UpgradeState.MARKED_FAILED;
import static io.upshift.upgrade.UpgradeState.MARKED_SUCCEEDED;
import static io.upshift.upgrade.UpgradeState.PENDING;
import static io.upshift.upgrade.UpgradeState.PRECHECKING;
import static io.upshift.upgrade.UpgradeState.ROLLED_BACK;
import static io.upshift.upgrade.UpgradeState.ROLLING_BACK;
import static io.upshift.upgrade.UpgradeState.STOPPED;
import static io.upshift.upgrade.UpgradeState.STOPPING;
import static io.upshift.upgrade.UpgradeState.SUCCEEDED;
import static io.upshift.upgrade.UpgradeState.UPGRADING;
import static io.upshift.upgrade.UpgradeState.VERIFYING;

/**
 * The upgrade lifecycle as a pure decision: {@link #decide} takes the stored record, what this
 * process observes and one input, and returns the next record, what to do and what to log. It
 * reads no clock, database or cluster, so it is tested as a table; the {@link Reconciler} reads,
 * calls it, stores and acts. A restart, a lease takeover, a stop or a window closing are inputs like
 * any other: resuming is the same decision as running.
 */
public final class Lifecycle {

    private static final Set<ServiceState> CHANGED = EnumSet.of(ServiceState.SUCCEEDED, ServiceState.FAILED,
            ServiceState.RUNNING, ServiceState.SCALED_DOWN, ServiceState.ROLLING_BACK, ServiceState.ROLLBACK_FAILED,
            ServiceState.INTERRUPTED);
    private static final Set<ServiceState> DOWN_OR_HALFWAY = EnumSet.of(ServiceState.SCALED_DOWN, ServiceState.RUNNING,
            ServiceState.FAILED, ServiceState.ROLLING_BACK, ServiceState.ROLLBACK_FAILED, ServiceState.INTERRUPTED);

    /** How many of a failed job's last output lines its upgrade's message carries (the log has them all). */
    private static final int JOB_OUTPUT_LINES = 3;

    private final boolean rollbackOnFailure;
    private final Duration startDelay;

    /**
     * @param rollbackOnFailure a failed upgrade puts the services it changed back (else it ends FAILED as it stands)
     * @param startDelay how long an accepted upgrade stays PENDING (cancellable) before anything is checked or changed
     */
    public Lifecycle(boolean rollbackOnFailure, Duration startDelay) {
        this.rollbackOnFailure = rollbackOnFailure;
        this.startDelay = startDelay;
    }

    public Decision decide(UpgradeRecord stored, Observed seen, Input input) {
        Step step = new Step(stored, seen);
        if (input instanceof Input.Start || input instanceof Input.Restart) {
            if (input instanceof Input.Restart && !stored.state().isFinal() && seen.inFlight() == null) {
                step.log("Upshift restarted: resuming " + stored.state() + (stored.phase() == null ? ""
                        : " (" + stored.phase() + ")") + ", services already at target are skipped");
            }
            drive(step);
        } else if (input instanceof Input.PrechecksDone p) {
            prechecksDone(step, p);
        } else if (input instanceof Input.VerificationDone v) {
            verificationDone(step, v);
        } else if (input instanceof Input.ServiceStarted e) {
            serviceStarted(step, e);
        } else if (input instanceof Input.ServiceFinished e) {
            serviceFinished(step, e);
        } else if (input instanceof Input.ServiceFailed e) {
            serviceFailed(step, e);
        } else if (input instanceof Input.JobStarted e) {
            jobStarted(step, e);
        } else if (input instanceof Input.JobEnded e) {
            jobEnded(step, e);
        } else if (input instanceof Input.PhaseEnded e) {
            phaseEnded(step, e);
        } else if (input instanceof Input.Operator a) {
            return operator(step, a);
        } else if (input instanceof Input.LeaseLost l) {
            leaseLost(step, l);
        } else if (input instanceof Input.WindowClosed w) {
            windowClosed(step, w);
        }
        return step.decision();
    }

    // ---- driving: what should be under way, given the stored state, when nothing new happened

    private void drive(Step step) {
        UpgradeRecord r = step.record;
        switch (r.state()) {
            case PENDING -> {
                Instant due = r.createdAt().plus(startDelay);
                if (step.now().isBefore(due)) {
                    step.effect(new Effect.WakeAt(due));
                } else {
                    step.record = r.in(PRECHECKING, null, "prechecking");
                    step.effect(new Effect.Requeue());
                }
            }
            case PRECHECKING -> step.effect(new Effect.RunPrechecks());
            case UPGRADING -> {
                if (step.seen.inFlight() == null) {
                    if (failure(r) != null) {
                        failed(step);
                    } else {
                        step.effect(new Effect.RunPhase(r.phase()));
                    }
                }
            }
            case VERIFYING -> step.effect(new Effect.RunVerification());
            case ROLLING_BACK -> {
                if (step.seen.inFlight() == null) {
                    step.effect(new Effect.RunPhase(Phase.ROLLBACK));
                }
            }
            case STOPPING -> {
                if (step.seen.inFlight() == null) {
                    Phase last = r.mode() == UpgradeMode.DOWNTIME ? Phase.RESTORE : Phase.FINISH;
                    step.record = r.in(STOPPING, last, r.message());
                    step.effect(new Effect.RunPhase(last));
                }
            }
            default -> {
                // final: nothing to drive
            }
        }
    }

    /**
     * A blocking failure, or warnings the request did not accept, end the upgrade FAILED before any
     * change; a rollback goes on whatever they say (the report stays in its record).
     */
    private void prechecksDone(Step step, Input.PrechecksDone p) {
        UpgradeRecord r = step.record;
        if (r.state() != PRECHECKING) {
            return;
        }
        step.log(p.report().summary());
        // a rollback repairs what its upgrade left (often a rollout of ours cut short): its checks are advice
        String stop = r.rollbackOf() != null ? null : p.report().stopReason(r.acceptWarnings());
        step.record = r.withPrechecks(p.report());
        if (stop != null) {
            end(step, FAILED, stop + "; nothing in the cluster was changed");
            return;
        }
        Phase first = r.mode() == UpgradeMode.DOWNTIME ? Phase.SCALE_DOWN : Phase.ROLLING;
        step.record = step.record.running(step.now(), first, "running");
        step.log("started: " + r.mode() + ", parallelism " + r.parallelism());
        step.effect(new Effect.RunPhase(first));
    }

    /**
     * Every check passed (or none is declared): SUCCEEDED. A failed check ends the upgrade like a
     * failed service: rolled back with rollback-on-failure, else FAILED with the check's output
     * (resume-verification runs the checks again).
     */
    private void verificationDone(Step step, Input.VerificationDone v) {
        UpgradeRecord r = step.record;
        if (r.state() != VERIFYING) {
            return;
        }
        var report = v.report();
        if (!report.isEmpty()) {
            step.log(report.summary());
            step.record = r.withVerification(report);
        }
        if (report.passed()) {
            step.effect(new Effect.SetCurrentVersion(r.targetVersion()));
            end(step, SUCCEEDED, "the platform runs " + r.targetVersion());
            return;
        }
        String failure = "verification failed: " + report.failure();
        if (rollbackOnFailure) {
            step.log("failed: " + failure + "; rolling back the services already changed, in reverse order");
            step.record = step.record.in(ROLLING_BACK, Phase.ROLLBACK, failure);
            step.effect(new Effect.RunPhase(Phase.ROLLBACK));
        } else {
            end(step, FAILED, failure);
        }
    }

    // ---- services

    private void serviceStarted(Step step, Input.ServiceStarted e) {
        ServiceProgress s = step.service(e.service());
        if (s == null || !step.runs(e.phase())) {
            return;
        }
        Phase phase = e.phase();
        boolean back = phase == Phase.ROLLBACK || phase == Phase.RESTORE;
        String image = back ? s.fromImage() : s.toImage();
        String verb = verb(phase, step.record.mode());
        step.log(s.name() + ": " + (s.change() != null && phase != Phase.SCALE_DOWN ? changing(s, back)
                : verb + (phase == Phase.SCALE_DOWN ? "" : " to " + image)));
        step.record = step.record.withService(s.started(back ? ServiceState.ROLLING_BACK : ServiceState.RUNNING,
                phase, step.now(), verb));
    }

    private void serviceFinished(Step step, Input.ServiceFinished e) {
        ServiceProgress s = step.service(e.service());
        if (s == null || !step.runs(e.phase())) {
            return;
        }
        var result = e.result();
        switch (e.phase()) {
            case SCALE_DOWN -> {
                step.log(result.summary());
                step.record = step.record.withService(s.finished(ServiceState.SCALED_DOWN, null, null, step.now(),
                        result.message()));
            }
            case ROLLBACK, RESTORE -> {
                step.log(s.name() + ": rolled back: " + result.message());
                step.record = step.record.withService(s.finished(ServiceState.ROLLED_BACK, result.replicas(), null,
                        step.now(), "rolled back: " + result.message()));
            }
            default -> {
                step.log(result.summary());
                ServiceState state = result.outcome() == StepOutcome.ALREADY_AT_TARGET ? ServiceState.ALREADY_AT_TARGET
                        : ServiceState.SUCCEEDED;
                Integer min = e.phase() == Phase.SCALE_UP ? null : result.minAvailable();
                step.record = step.record.withService(s.finished(state, result.replicas(), min, step.now(),
                        result.message()));
            }
        }
    }

    private void serviceFailed(Step step, Input.ServiceFailed e) {
        ServiceProgress s = step.service(e.service());
        if (s == null || !step.runs(e.phase())) {
            return;
        }
        boolean back = e.phase() == Phase.ROLLBACK || e.phase() == Phase.RESTORE;
        step.log(s.name() + (back ? ": rollback FAILED: " : ": FAILED: ") + e.reason());
        step.record = step.record.withService(s.finished(back ? ServiceState.ROLLBACK_FAILED : ServiceState.FAILED,
                null, null, step.now(), back ? "rollback FAILED: " + e.reason() : e.reason()));
    }

    // ---- jobs

    private void jobStarted(Step step, Input.JobStarted e) {
        JobProgress job = step.record.job(e.job()).orElse(null);
        if (job == null || !step.runs(e.phase())) {
            return;
        }
        step.log("job " + job.name() + " (" + job.when() + "): started as Job " + job.namespace() + "/"
                + job.kubernetesName(step.record.id()) + " (" + job.spec().image() + ")");
        step.record = step.record.withJob(job.started(step.now()));
    }

    /** A job's pod log tail goes to the upgrade log; a failed job fails the phase (its dependents never start). */
    private void jobEnded(Step step, Input.JobEnded e) {
        JobProgress job = step.record.job(e.job()).orElse(null);
        if (job == null || !step.runs(e.phase())) {
            return;
        }
        String message = e.succeeded() ? "succeeded" : "failed: " + e.reason();
        step.log("job " + job.name() + ": " + (e.succeeded() ? "succeeded" : "FAILED: " + e.reason()));
        if (e.output() != null) {
            e.output().lines().forEach(line -> step.log("job " + job.name() + ":   | " + line));
        }
        step.record = step.record.withJob(job.ended(e.succeeded(), step.now(), message, e.output()));
    }

    // ---- phases

    private void phaseEnded(Step step, Input.PhaseEnded e) {
        UpgradeRecord r = step.record;
        boolean ok = e.status() == DagOutcome.Status.SUCCEEDED;
        if (r.state() == UPGRADING && e.phase().isForward()) {
            if (e.status() == DagOutcome.Status.FAILED || failure(r) != null) {
                failed(step);
            } else if (!ok) {
                drive(step);
            } else if (e.phase() == Phase.SCALE_DOWN) {
                step.record = r.in(UPGRADING, Phase.SCALE_UP, r.message());
                step.effect(new Effect.RunPhase(Phase.SCALE_UP));
            } else {
                step.record = r.in(VERIFYING, null, "verifying");
                step.effect(new Effect.Requeue());
            }
        } else if (r.state() == STOPPING && e.phase().isForward()) {
            drive(step);
        } else if (r.state() == STOPPING) {
            if (ok) {
                end(step, STOPPED, r.message() + (e.phase() == Phase.RESTORE
                        ? "; the services taken down were brought back up at their previous version" : ""));
            } else {
                end(step, FAILED, r.message() + "; could not bring every service back: " + rollbackFailure(r));
            }
        } else if (r.state() == ROLLING_BACK && e.phase() == Phase.ROLLBACK) {
            if (ok) {
                end(step, ROLLED_BACK, r.message() + "; every changed service was rolled back");
            } else {
                end(step, FAILED, r.message() + "; rollback failed: " + rollbackFailure(r));
            }
        }
    }

    /** A forward phase failed (or a restart found a failure): roll back, or end FAILED. */
    private void failed(Step step) {
        UpgradeRecord r = step.record;
        String failure = failure(r);
        if (failure == null) {
            failure = "not every service reached its target";
        }
        if (rollbackOnFailure) {
            step.log("failed: " + failure + "; rolling back the services already changed, in reverse order");
            step.record = r.in(ROLLING_BACK, Phase.ROLLBACK, failure);
            step.effect(new Effect.RunPhase(Phase.ROLLBACK));
        } else {
            end(step, FAILED, failure);
        }
    }

    // ---- operator actions

    private Decision operator(Step step, Input.Operator a) {
        UpgradeRecord r = step.record;
        UpgradeState from = r.state();
        String by = a.by() == null ? "an operator" : a.by();
        switch (a.action()) {
            case STOP -> {
                if (from == PENDING || from == PRECHECKING) {
                    end(step, STOPPED, "stopped by " + by + " before any service changed");
                } else if (from == UPGRADING) {
                    step.log("stop requested by " + by + ": no new service starts; services mid-roll finish their step"
                            + (r.mode() == UpgradeMode.DOWNTIME
                                    ? "; the services taken down come back up at their previous version (as does"
                                            + " any already at the target): no service is left at 0 replicas" : ""));
                    step.record = r.in(STOPPING, r.phase(), "stopped by " + by);
                    halt(step);
                } else {
                    return refuse(step, a, "stop applies to PENDING, PRECHECKING and UPGRADING upgrades"
                            + (from == ROLLING_BACK || from == STOPPING ? "; force-stop abandons it at once" : ""));
                }
            }
            case FORCE_STOP -> {
                if (from.isFinal()) {
                    return refuse(step, a, "force-stop applies to an upgrade that has not ended");
                }
                step.record = r.mapServices(s -> s.state() == ServiceState.RUNNING || s.state() == ServiceState.ROLLING_BACK
                        ? s.with(ServiceState.INTERRUPTED, "interrupted by the force stop: see its image and replicas")
                        : s).withJobs(r.jobs().stream().map(j -> j.state() == ServiceState.RUNNING
                                ? j.with(ServiceState.INTERRUPTED, "interrupted by the force stop: its Job may still run")
                                : j).toList());
                step.effect(new Effect.HaltPhase());
                end(step, FORCE_STOPPED, "force stopped by " + by + ": nothing more was done in the cluster");
                step.effect(new Effect.Snapshot());
            }
            case CANCEL -> {
                boolean untouched = r.services().stream().noneMatch(s -> CHANGED.contains(s.state()))
                        && r.jobs().stream().allMatch(j -> j.state() == ServiceState.PENDING);
                if (!(from == PENDING || from == PRECHECKING
                        || (from == UPGRADING && step.seen.inFlight() == null && untouched))) {
                    return refuse(step, a, "cancel applies before any service changed (PENDING, PRECHECKING)");
                }
                end(step, CANCELLED, "cancelled by " + by + ": nothing in the cluster was changed");
            }
            case MARK -> {
                if (from != FORCE_STOPPED) {
                    return refuse(step, a, "mark applies to FORCE_STOPPED upgrades");
                }
                if (!"succeeded".equals(a.verdict()) && !"failed".equals(a.verdict())) {
                    return Decision.refuse(r, new RejectedException(RejectedException.Code.BAD_REQUEST,
                            "mark needs a verdict", List.of("verdict: must be \"succeeded\" or \"failed\", was "
                                    + (a.verdict() == null ? "missing" : "\"" + a.verdict() + "\""))));
                }
                boolean succeeded = "succeeded".equals(a.verdict());
                step.record = r.in(succeeded ? MARKED_SUCCEEDED : MARKED_FAILED, null,
                        "marked " + a.verdict() + " by " + by);
                if (succeeded) {
                    step.effect(new Effect.SetCurrentVersion(r.targetVersion()));
                }
                step.log("marked " + a.verdict() + " by " + by + (succeeded ? ": the platform now counts as running "
                        + r.targetVersion() : ""));
            }
            case RESUME -> {
                boolean rolledBack = r.services().stream().anyMatch(s -> s.state() == ServiceState.ROLLED_BACK
                        || s.state() == ServiceState.ROLLBACK_FAILED);
                if (!(from == STOPPED || from == FORCE_STOPPED || (from == FAILED && !rolledBack))) {
                    return refuse(step, a, "resume applies to STOPPED, FORCE_STOPPED and FAILED (not rolled back) upgrades");
                }
                if (from == FAILED && r.prechecks() != null && r.prechecks().stopReason(r.acceptWarnings()) != null) {
                    return refuse(step, a, "it failed its pre-checks before any change: request a new upgrade");
                }
                Phase first = r.mode() == UpgradeMode.DOWNTIME ? Phase.SCALE_DOWN : Phase.ROLLING;
                step.record = r.mapServices(s -> switch (s.state()) {
                    case FAILED, NOT_STARTED, INTERRUPTED, ROLLED_BACK, RUNNING -> s.with(ServiceState.PENDING, null);
                    default -> s;
                }).withJobs(r.jobs().stream().map(j -> j.state() == ServiceState.SUCCEEDED ? j : j.retried()).toList())
                        .running(step.now(), first, "resumed by " + by);
                step.log("resumed by " + by + ": continuing where the cluster stands; services at target are skipped");
                step.effect(new Effect.RunPhase(first));
            }
            case RESUME_VERIFICATION -> {
                if (!failedVerifying(r)) {
                    return refuse(step, a, "resume-verification applies to an upgrade that FAILED its verification"
                            + " and was not rolled back");
                }
                step.record = r.verifying("verifying (resumed by " + by + ")");
                step.log("verification resumed by " + by + ": running every check again");
                step.effect(new Effect.RunVerification());
            }
            case ROLLBACK -> {
                if (!EnumSet.of(SUCCEEDED, FAILED, STOPPED, FORCE_STOPPED, MARKED_SUCCEEDED, MARKED_FAILED).contains(from)) {
                    return refuse(step, a, "rollback applies to SUCCEEDED, FAILED, STOPPED, FORCE_STOPPED and MARKED_* upgrades");
                }
                if (r.rolledBackBy() != null) {
                    return Decision.refuse(r, new RejectedException(RejectedException.Code.ACTION_NOT_ALLOWED,
                            "action not allowed", List.of("upgrade " + r.id() + " was already rolled back by "
                                    + r.rolledBackBy()), Map.of("upgrade", r.id(), "rollback", r.rolledBackBy())));
                }
                step.effect(new Effect.StartRollback(by, a.note()));
            }
            default -> throw new IllegalArgumentException("unknown action " + a.action());
        }
        step.record = step.record.withAction(new ActionEntry(a.action().path(), by, step.now(), a.note(), from,
                step.record.state()));
        step.log("action " + a.action().path() + " by " + by + (a.note() == null || a.note().isBlank() ? ""
                : " (" + a.note() + ")") + ": " + from + " → " + step.record.state());
        return step.decision();
    }

    /** FAILED in VERIFYING: its checks failed and nothing was rolled back. */
    private static boolean failedVerifying(UpgradeRecord r) {
        return r.state() == FAILED && r.verification() != null && !r.verification().passed()
                && r.services().stream().noneMatch(s -> s.state() == ServiceState.ROLLED_BACK
                        || s.state() == ServiceState.ROLLBACK_FAILED || s.state() == ServiceState.ROLLING_BACK);
    }

    private static Decision refuse(Step step, Input.Operator a, String rule) {
        UpgradeRecord r = step.record;
        return Decision.refuse(r, new RejectedException(RejectedException.Code.ACTION_NOT_ALLOWED, "action not allowed",
                List.of("cannot " + a.action().path() + " upgrade " + r.id() + ": it is " + r.state() + "; " + rule),
                Map.of("upgrade", r.id(), "state", r.state().name(), "action", a.action().path())));
    }

    // ---- the lease and the window

    private void leaseLost(Step step, Input.LeaseLost l) {
        if (step.record.state().isFinal()) {
            return;
        }
        step.log("this instance lost the platform lock (" + l.reason() + "): it stops driving the upgrade, which"
                + " goes on wherever the lease is held, or here once it is free");
        step.effect(new Effect.HaltPhase());
        step.effect(new Effect.Forget());
        step.effect(new Effect.TakeOverWhenFree());
    }

    /**
     * A downtime upgrade whose window closes before every service is down takes no more down and
     * brings back the ones that are; once they come back up at the target it goes on (a half-upgraded
     * platform is worse), as does a zero-downtime upgrade; the record then says it overran.
     */
    private void windowClosed(Step step, Input.WindowClosed w) {
        UpgradeRecord r = step.record;
        if (r.state().isFinal() || r.state() == STOPPING || r.state() == ROLLING_BACK) {
            return;
        }
        boolean beforeAllDown = r.state() == PENDING || r.state() == PRECHECKING
                || (r.state() == UPGRADING && r.phase() == Phase.SCALE_DOWN);
        if (r.mode() == UpgradeMode.DOWNTIME && beforeAllDown) {
            step.log("window closed at " + w.at() + " before every service was down: no further service of this"
                    + " downtime upgrade is taken down");
            step.record = r.in(STOPPING, r.phase(), "stopped: the upgrade window closed at " + w.at()
                    + " before every service was down");
            halt(step);
        } else {
            step.log("window closed at " + w.at() + " while services were " + (r.mode() == UpgradeMode.DOWNTIME
                    ? "coming back up" : "rolling") + ": the upgrade goes on and will be recorded as having overrun its window");
        }
    }

    // ---- helpers

    private void halt(Step step) {
        if (step.seen.inFlight() != null) {
            step.effect(new Effect.HaltPhase());
        } else {
            drive(step);
        }
    }

    private static void end(Step step, UpgradeState state, String message) {
        UpgradeRecord ended = step.record.ended(state, step.now(), message);
        step.record = ended;
        step.log("ended " + state + ": " + message + (ended.overran()
                ? " (ran past its window, which closed at " + ended.windowEndsAt() + ")" : ""));
        step.effect(new Effect.ReleaseLock());
        step.effect(new Effect.Forget());
    }

    /** The first failed service's reason, else the first failed job's with the end of its output, or null. */
    private static String failure(UpgradeRecord r) {
        return r.services().stream().filter(s -> s.state() == ServiceState.FAILED)
                .map(s -> s.message() != null && s.message().startsWith(s.name() + ":") ? s.message()
                        : s.name() + ": " + s.message())
                .findFirst()
                .or(() -> r.jobs().stream().filter(j -> j.state() == ServiceState.FAILED).findFirst()
                        .map(j -> "job " + j.name() + " (" + j.when() + ") " + j.message() + tail(j.output())))
                .orElse(null);
    }

    /** The last lines of a job's output, on one line: {@code ": line | line"}. */
    private static String tail(String output) {
        if (output == null || output.isBlank()) {
            return "";
        }
        List<String> lines = output.strip().lines().toList();
        return ": " + String.join(" | ", lines.subList(Math.max(0, lines.size() - JOB_OUTPUT_LINES), lines.size()));
    }

    private static String rollbackFailure(UpgradeRecord r) {
        return r.services().stream().filter(s -> s.state() == ServiceState.ROLLBACK_FAILED)
                .map(s -> s.name() + ": " + s.message()).collect(Collectors.joining("; "));
    }

    /** What a step does to a service the upgrade creates or retires (or, going back, removes or brings back). */
    private static String changing(ServiceProgress s, boolean back) {
        ServiceChange c = back ? s.change().undo() : s.change();
        String image = back ? s.fromImage() : s.toImage();
        io.upshift.kubernetes.WorkloadSpec spec = back ? s.fromSpec() : s.toSpec();
        Integer replicas = spec == null ? null : spec.replicas();
        return switch (c.kind()) {
            case CREATE -> "creating from its template at " + image;
            case REMOVE_CREATED -> "deleting what this upgrade created (Deployment, Service, new ConfigMaps)";
            case RETIRE -> "retiring: scaling to 0" + (c.prune() ? ", then deleting its Deployment and Service (prune)" : "");
            case RESTORE_RETIRED -> "bringing back the retired service at " + image + (replicas == null ? ""
                    : " with " + replicas + " replicas") + (c.prune() ? " (created again if it was deleted)" : "");
        };
    }

    private static String verb(Phase phase, UpgradeMode mode) {
        return switch (phase) {
            case ROLLING, FINISH -> "rolling update";
            case SCALE_DOWN -> "scaling down";
            case SCALE_UP -> "scaling up";
            case ROLLBACK -> "rolling back";
            case RESTORE -> "bringing back up";
        };
    }

    // ---- what a phase does: pure too, so the table tests can check it

    /** One pass of a phase: the graph to schedule, the services it skips, the step and each service's image. */
    public record PhasePlan(Phase phase, DependencyGraph graph, Set<String> skip, StepAction action, boolean previousImage) {

        public String image(ServiceProgress s) {
            return action == StepAction.SCALE_DOWN ? null : previousImage ? s.fromImage() : s.toImage();
        }

        /** What else the step sets: the spec captured before the change when going back. */
        public io.upshift.kubernetes.WorkloadSpec spec(ServiceProgress s) {
            return action == StepAction.SCALE_DOWN ? null : previousImage ? s.fromSpec() : s.toSpec();
        }

        /**
         * The image a forward step may find besides its own: the one the record read before the upgrade. Null going
         * back (a rollback restores whatever it finds) and for a scale-down (it leaves the image as it is).
         */
        public String recordedImage(ServiceProgress s) {
            return previousImage || action == StepAction.SCALE_DOWN ? null : s.fromImage();
        }

        /** A service created or retired: going back, what was created is removed and what was retired comes back. */
        public ServiceChange change(ServiceProgress s) {
            return s.change() == null ? null : previousImage ? s.change().undo() : s.change();
        }
    }

    public static PhasePlan plan(UpgradeRecord r, Phase phase) {
        DependencyGraph graph = r.graph();
        boolean downtime = r.mode() == UpgradeMode.DOWNTIME;
        return switch (phase) {
            case ROLLING -> new PhasePlan(phase, withJobs(r, graph), skipWithJobs(r, s -> s.state().isDone()),
                    StepAction.ROLLING, false);
            // a service the upgrade creates has nothing to take down
            case SCALE_DOWN -> new PhasePlan(phase, graph.reversed(), skip(r, s -> s.state().isDone()
                    || s.state() == ServiceState.SCALED_DOWN || (s.change() != null && s.change().creates())),
                    StepAction.SCALE_DOWN, false);
            case SCALE_UP -> new PhasePlan(phase, withJobs(r, graph), skipWithJobs(r, s -> s.state().isDone()),
                    StepAction.SCALE_UP, false);
            case FINISH -> new PhasePlan(phase, graph, skip(r, s -> s.state() != ServiceState.RUNNING),
                    StepAction.ROLLING, false);
            // a stopped (or failed) downtime upgrade puts the whole platform back at the previous version,
            // dependencies first: no service stays at 0, none at the target beside ones at the previous version.
            // Every service gets the step, whatever its line says: the cluster may have taken a scale-down
            // the record never saw (a crash between the patch and its event, or an event dropped after the
            // stop), and scaling up at the previous image is a no-op for a service that is already there.
            case RESTORE -> new PhasePlan(phase, graph, Set.of(), StepAction.SCALE_UP, true);
            // a rolling upgrade is undone dependents first
            case ROLLBACK -> downtime
                    ? new PhasePlan(phase, graph, skip(r, s -> !backToPrevious(s)), StepAction.SCALE_UP, true)
                    : new PhasePlan(phase, graph.reversed(), skip(r, s -> !CHANGED.contains(s.state())
                            || s.changesNothing()), StepAction.ROLLING, true);
        };
    }

    /**
     * The services' graph with the jobs as nodes ({@code job:<name>}): the version's {@code before} jobs
     * one after another ahead of every service (in a downtime upgrade this graph is the scale-up's, so
     * they run once every service is down), a service's own jobs after its dependencies and before it,
     * the version's {@code after} jobs once every service is done.
     */
    static DependencyGraph withJobs(UpgradeRecord r, DependencyGraph services) {
        if (r.jobs().isEmpty()) {
            return services;
        }
        Map<String, List<String>> graph = new java.util.LinkedHashMap<>();
        String before = null;
        for (JobProgress j : r.jobs()) {
            if (j.stage() == JobStage.BEFORE) {
                graph.put(j.node(), before == null ? List.of() : List.of(before));
                before = j.node();
            }
        }
        Map<String, String> ownLast = new java.util.HashMap<>();
        for (JobProgress j : r.jobs()) {
            if (j.stage() == JobStage.SERVICE_BEFORE && services.contains(j.service())) {
                String previous = ownLast.get(j.service());
                List<String> after = new ArrayList<>();
                if (previous != null) {
                    after.add(previous);
                } else {
                    after.addAll(services.dependsOn(j.service()));
                    if (before != null) {
                        after.add(before);
                    }
                }
                graph.put(j.node(), after);
                ownLast.put(j.service(), j.node());
            }
        }
        for (String s : services.nodes()) {
            List<String> after = new ArrayList<>(services.dependsOn(s));
            String own = ownLast.get(s);
            if (own != null) {
                after.add(own);
            } else if (before != null) {
                after.add(before);
            }
            graph.put(s, after);
        }
        String previous = null;
        for (JobProgress j : r.jobs()) {
            if (j.stage() == JobStage.AFTER) {
                List<String> after = new ArrayList<>();
                if (previous != null) {
                    after.add(previous);
                } else {
                    after.addAll(services.nodes());
                    if (before != null) {
                        after.add(before);
                    }
                }
                graph.put(j.node(), after);
                previous = j.node();
            }
        }
        return DependencyGraph.of(graph);
    }

    /** The services {@code skipped} says, and the jobs that succeeded already. */
    private static Set<String> skipWithJobs(UpgradeRecord r, java.util.function.Predicate<ServiceProgress> skipped) {
        Set<String> skip = skip(r, skipped);
        r.jobs().stream().filter(j -> j.state() == ServiceState.SUCCEEDED).forEach(j -> skip.add(j.node()));
        return skip;
    }

    /** In a downtime upgrade: down, half-way, or up at another image than it started with. */
    private static boolean backToPrevious(ServiceProgress s) {
        return DOWN_OR_HALFWAY.contains(s.state()) || (s.state().isDone() && !s.changesNothing());
    }

    private static Set<String> skip(UpgradeRecord r, java.util.function.Predicate<ServiceProgress> skipped) {
        return r.services().stream().filter(skipped).map(ServiceProgress::name)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** The decision being built. */
    private static final class Step {
        private final Observed seen;
        private UpgradeRecord record;
        private final List<Effect> effects = new ArrayList<>();
        private final List<String> log = new ArrayList<>();

        Step(UpgradeRecord stored, Observed seen) {
            this.record = stored;
            this.seen = seen;
        }

        Instant now() {
            return seen.now();
        }

        ServiceProgress service(String name) {
            return record.service(name).orElse(null);
        }

        /** A step event counts only while its phase is the one in flight (and the upgrade has not ended). */
        boolean runs(Phase phase) {
            return !record.state().isFinal() && seen.inFlight() != null && phase == seen.inFlight();
        }

        void effect(Effect effect) {
            effects.add(effect);
        }

        void log(String line) {
            log.add(line);
        }

        Decision decision() {
            return new Decision(record, effects, log, null);
        }
    }
}
