package io.upshift.lifecycle;

import java.time.Instant;

import io.upshift.kubernetes.StepResult;
import io.upshift.precheck.PrecheckReport;
import io.upshift.upgrade.Action;
import io.upshift.upgrade.DagOutcome;
import io.upshift.upgrade.Phase;
import io.upshift.verify.VerificationReport;

/** What makes the lifecycle reconcile an upgrade: one event of its event loop. */
public sealed interface Input {

    /** Accepted, woken by a timer, or the next stage is due: drive the upgrade from where it stands. */
    record Start() implements Input {
    }

    /** Upshift (re)started or took the lease over: nothing of this upgrade is in flight here. */
    record Restart() implements Input {
    }

    /** The pre-checks of the PRECHECKING stage ran (see {@code Prechecker}). */
    record PrechecksDone(PrecheckReport report) implements Input {
    }

    /** The checks of the VERIFYING stage ran (see {@code Verifier}). */
    record VerificationDone(VerificationReport report) implements Input {
    }

    /** The phase's scheduler started a service's step (generation: which run of the phase). */
    record ServiceStarted(String service, Phase phase, int generation) implements Input {
    }

    record ServiceFinished(String service, Phase phase, int generation, StepResult result) implements Input {
    }

    record ServiceFailed(String service, Phase phase, int generation, String reason) implements Input {
    }

    /** The phase's scheduler started a job ({@code job}: its node, {@code job:<name>}). */
    record JobStarted(String job, Phase phase, int generation) implements Input {
    }

    /** A job ended: {@code reason} is its Job's condition reason, {@code output} the tail of its pod's log. */
    record JobEnded(String job, Phase phase, int generation, boolean succeeded, String reason, String output)
            implements Input {
    }

    /** No step of the phase is in flight any more, and none will start. */
    record PhaseEnded(Phase phase, int generation, DagOutcome.Status status) implements Input {
    }

    /** An operator's action; {@code verdict} only for MARK ({@code succeeded} or {@code failed}). */
    record Operator(Action action, String by, String note, String verdict) implements Input {
    }

    /** This instance could not renew the platform lock: another holds it (or it was released). */
    record LeaseLost(String reason) implements Input {
    }

    /** The window of a scheduled upgrade closed. */
    record WindowClosed(Instant at) implements Input {
    }

    /**
     * This process is shutting down: it hands the upgrade over (lock released, another replica
     * resumes it) once the steps in flight have finished, or at once when {@code now}. The
     * reconciler handles it; {@link Lifecycle#decide} never sees it.
     */
    record HandOver(boolean now) implements Input {
    }

    /** One input for one upgrade: the body the event loop ({@code seda:reconcile}) takes. */
    record Event(String upgradeId, Input input) {
    }
}
