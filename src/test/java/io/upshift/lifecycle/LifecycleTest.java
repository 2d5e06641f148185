package io.upshift.lifecycle;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.upshift.RejectedException;
import io.upshift.kubernetes.StepAction;
import io.upshift.kubernetes.StepOutcome;
import io.upshift.kubernetes.StepResult;
import io.upshift.precheck.Check;
import io.upshift.precheck.PrecheckReport;
import io.upshift.upgrade.Action;
import io.upshift.upgrade.DagOutcome;
import io.upshift.upgrade.JobProgress;
import io.upshift.upgrade.JobStage;
import io.upshift.version.JobSpec;
import io.upshift.upgrade.Phase;
import io.upshift.upgrade.ServiceProgress;
import io.upshift.upgrade.ServiceState;
import io.upshift.upgrade.UpgradeMode;
import io.upshift.upgrade.UpgradeRecord;
import io.upshift.upgrade.UpgradeState;
import io.upshift.verify.CheckResult;
import io.upshift.verify.ServiceChecks;
import io.upshift.verify.VerificationReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision table: each state an upgrade can be in (with the services as that state leaves them
 * and the phase in flight) × each input → the next state, the effects, and the refusals. The
 * platform: {@code a ← b ← c} ({@code b} depends on {@code a}, {@code c} on {@code b}).
 */
class LifecycleTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private static final Check CHECK_PASSED = Check.pass("deployment-exists", Check.Severity.BLOCK, "a", "a: found");
    private static final Check CHECK_FAILED = Check.notPassed("surge-capacity", Check.Severity.BLOCK, "b",
            "b: no room for 1 surge pod");
    private static final Check CHECK_WARNED = Check.notPassed("readiness-probe", Check.Severity.WARN, "c",
            "c: 1 of 1 containers have no readiness probe");
    private static final ServiceChecks VERIFIED = new ServiceChecks("a", List.of(new CheckResult(
            "httpGet /healthz on port 8080", CheckResult.PASS, "answered 200", NOW)));
    private static final ServiceChecks VERIFY_FAILED = new ServiceChecks("b", List.of(new CheckResult(
            "job registry/smoke:1", CheckResult.FAIL, "Job verify-b-1 failed: BackoffLimitExceeded", NOW)));
    private final Lifecycle lifecycle = new Lifecycle(true, Duration.ZERO);

    @ParameterizedTest(name = "{0} {1} + {2} → {3} {4}")
    @CsvSource(delimiter = '|', textBlock = """
            # state (mode: Z zero-downtime, D downtime) | services a b c | input | next state | effects
            PENDING Z       | PENDING PENDING PENDING       | restart          | PRECHECKING   | Requeue
            PENDING Z       | PENDING PENDING PENDING       | finished         | PENDING       |
            PENDING Z       | PENDING PENDING PENDING       | stop             | STOPPED       | ReleaseLock Forget
            PENDING Z       | PENDING PENDING PENDING       | force-stop       | FORCE_STOPPED | HaltPhase ReleaseLock Forget Snapshot
            PENDING Z       | PENDING PENDING PENDING       | cancel           | CANCELLED     | ReleaseLock Forget
            PENDING Z       | PENDING PENDING PENDING       | lease-lost       | PENDING       | HaltPhase Forget TakeOverWhenFree
            PENDING Z       | PENDING PENDING PENDING       | window-closed    | PENDING       |
            PENDING D       | PENDING PENDING PENDING       | window-closed    | STOPPING      | RunPhase
            PENDING Z       | PENDING PENDING PENDING       | resume           | refused       |
            PENDING Z       | PENDING PENDING PENDING       | rollback         | refused       |
            PRECHECKING Z   | PENDING PENDING PENDING       | restart          | PRECHECKING   | RunPrechecks
            PRECHECKING Z   | PENDING PENDING PENDING       | checks-passed    | UPGRADING     | RunPhase
            PRECHECKING D   | PENDING PENDING PENDING       | checks-passed    | UPGRADING     | RunPhase
            PRECHECKING Z   | PENDING PENDING PENDING       | checks-failed    | FAILED        | ReleaseLock Forget
            PRECHECKING Z   | PENDING PENDING PENDING       | checks-warned    | FAILED        | ReleaseLock Forget
            UPGRADING Z     | SUCCEEDED RUNNING PENDING     | checks-failed    | UPGRADING     |
            PRECHECKING Z   | PENDING PENDING PENDING       | cancel           | CANCELLED     | ReleaseLock Forget
            PRECHECKING Z   | PENDING PENDING PENDING       | stop             | STOPPED       | ReleaseLock Forget
            UPGRADING Z     | SUCCEEDED RUNNING PENDING     | finished         | UPGRADING     |
            UPGRADING Z     | SUCCEEDED RUNNING PENDING     | failed           | UPGRADING     |
            UPGRADING Z     | SUCCEEDED RUNNING PENDING     | phase-ok         | VERIFYING     | Requeue
            UPGRADING Z     | SUCCEEDED FAILED NOT_STARTED  | phase-failed     | ROLLING_BACK  | RunPhase
            UPGRADING Z     | SUCCEEDED RUNNING PENDING     | stop             | STOPPING      | HaltPhase
            UPGRADING Z     | SUCCEEDED RUNNING PENDING     | force-stop       | FORCE_STOPPED | HaltPhase ReleaseLock Forget Snapshot
            UPGRADING Z     | SUCCEEDED RUNNING PENDING     | cancel           | refused       |
            UPGRADING Z     | SUCCEEDED RUNNING PENDING     | lease-lost       | UPGRADING     | HaltPhase Forget TakeOverWhenFree
            UPGRADING Z     | SUCCEEDED RUNNING PENDING     | window-closed    | UPGRADING     |
            UPGRADING Z     | SUCCEEDED RUNNING PENDING     | restart          | UPGRADING     | RunPhase
            UPGRADING Z     | SUCCEEDED FAILED PENDING      | restart          | ROLLING_BACK  | RunPhase
            UPGRADING Z     | SUCCEEDED RUNNING PENDING     | resume           | refused       |
            UPGRADING Z     | SUCCEEDED RUNNING PENDING     | mark-succeeded   | refused       |
            UPGRADING Z     | SUCCEEDED RUNNING PENDING     | rollback         | refused       |
            UPGRADING D     | PENDING RUNNING SCALED_DOWN   | finished         | UPGRADING     |
            UPGRADING D     | PENDING RUNNING SCALED_DOWN   | phase-ok         | UPGRADING     | RunPhase
            UPGRADING D     | PENDING RUNNING SCALED_DOWN   | stop             | STOPPING      | HaltPhase
            UPGRADING D     | PENDING RUNNING SCALED_DOWN   | window-closed    | STOPPING      | HaltPhase
            UPGRADING D     | PENDING RUNNING SCALED_DOWN   | restart          | UPGRADING     | RunPhase
            UPGRADING D-up  | SUCCEEDED RUNNING SCALED_DOWN | window-closed    | UPGRADING     |
            UPGRADING D-up  | SUCCEEDED RUNNING SCALED_DOWN | phase-ok         | VERIFYING     | Requeue
            VERIFYING Z     | SUCCEEDED SUCCEEDED SUCCEEDED | restart          | VERIFYING     | RunVerification
            VERIFYING Z     | SUCCEEDED SUCCEEDED SUCCEEDED | verified         | SUCCEEDED     | SetCurrentVersion ReleaseLock Forget
            VERIFYING Z     | SUCCEEDED SUCCEEDED SUCCEEDED | nothing-to-verify | SUCCEEDED    | SetCurrentVersion ReleaseLock Forget
            VERIFYING Z     | SUCCEEDED SUCCEEDED SUCCEEDED | verify-failed    | ROLLING_BACK  | RunPhase
            VERIFYING D     | SUCCEEDED SUCCEEDED SUCCEEDED | verify-failed    | ROLLING_BACK  | RunPhase
            VERIFYING Z     | SUCCEEDED SUCCEEDED SUCCEEDED | force-stop       | FORCE_STOPPED | HaltPhase ReleaseLock Forget Snapshot
            VERIFYING Z     | SUCCEEDED SUCCEEDED SUCCEEDED | resume-verification | refused    |
            UPGRADING Z     | SUCCEEDED RUNNING PENDING     | verified         | UPGRADING     |
            VERIFYING Z     | SUCCEEDED SUCCEEDED SUCCEEDED | stop             | refused       |
            ROLLING_BACK Z  | SUCCEEDED ROLLING_BACK NOT_STARTED | finished    | ROLLING_BACK  |
            ROLLING_BACK Z  | SUCCEEDED ROLLING_BACK NOT_STARTED | failed      | ROLLING_BACK  |
            ROLLING_BACK Z  | SUCCEEDED ROLLING_BACK NOT_STARTED | phase-ok    | ROLLED_BACK   | ReleaseLock Forget
            ROLLING_BACK Z  | SUCCEEDED ROLLBACK_FAILED NOT_STARTED | phase-failed | FAILED    | ReleaseLock Forget
            ROLLING_BACK Z  | SUCCEEDED ROLLING_BACK NOT_STARTED | stop        | refused       |
            ROLLING_BACK Z  | SUCCEEDED ROLLING_BACK NOT_STARTED | force-stop  | FORCE_STOPPED | HaltPhase ReleaseLock Forget Snapshot
            ROLLING_BACK Z  | SUCCEEDED ROLLING_BACK NOT_STARTED | lease-lost  | ROLLING_BACK  | HaltPhase Forget TakeOverWhenFree
            ROLLING_BACK Z  | SUCCEEDED ROLLING_BACK NOT_STARTED | window-closed | ROLLING_BACK |
            ROLLING_BACK Z  | SUCCEEDED ROLLING_BACK NOT_STARTED | restart     | ROLLING_BACK  | RunPhase
            STOPPING Z      | SUCCEEDED RUNNING PENDING     | finished         | STOPPING      |
            STOPPING Z      | SUCCEEDED RUNNING PENDING     | phase-ok         | STOPPING      | RunPhase
            STOPPING Z      | SUCCEEDED RUNNING PENDING     | finish-ok        | STOPPED       | ReleaseLock Forget
            STOPPING Z      | SUCCEEDED RUNNING PENDING     | restart          | STOPPING      | RunPhase
            STOPPING Z      | SUCCEEDED RUNNING PENDING     | stop             | refused       |
            STOPPING Z      | SUCCEEDED RUNNING PENDING     | force-stop       | FORCE_STOPPED | HaltPhase ReleaseLock Forget Snapshot
            STOPPING Z      | SUCCEEDED RUNNING PENDING     | lease-lost       | STOPPING      | HaltPhase Forget TakeOverWhenFree
            STOPPING D      | PENDING ROLLING_BACK SCALED_DOWN | restore-ok    | STOPPED       | ReleaseLock Forget
            STOPPING D      | PENDING ROLLING_BACK SCALED_DOWN | restart       | STOPPING      | RunPhase
            SUCCEEDED Z     | SUCCEEDED SUCCEEDED SUCCEEDED | rollback         | SUCCEEDED     | StartRollback
            SUCCEEDED Z     | SUCCEEDED SUCCEEDED SUCCEEDED | restart          | SUCCEEDED     |
            SUCCEEDED Z     | SUCCEEDED SUCCEEDED SUCCEEDED | finished         | SUCCEEDED     |
            SUCCEEDED Z     | SUCCEEDED SUCCEEDED SUCCEEDED | lease-lost       | SUCCEEDED     |
            SUCCEEDED Z     | SUCCEEDED SUCCEEDED SUCCEEDED | window-closed    | SUCCEEDED     |
            SUCCEEDED Z     | SUCCEEDED SUCCEEDED SUCCEEDED | stop             | refused       |
            SUCCEEDED Z     | SUCCEEDED SUCCEEDED SUCCEEDED | force-stop       | refused       |
            SUCCEEDED Z     | SUCCEEDED SUCCEEDED SUCCEEDED | resume           | refused       |
            SUCCEEDED Z     | SUCCEEDED SUCCEEDED SUCCEEDED | cancel           | refused       |
            SUCCEEDED Z     | SUCCEEDED SUCCEEDED SUCCEEDED | mark-succeeded   | refused       |
            FAILED Z        | SUCCEEDED FAILED NOT_STARTED  | resume           | UPGRADING     | RunPhase
            FAILED Z        | SUCCEEDED FAILED NOT_STARTED  | resume-verification | refused    |
            SUCCEEDED Z     | SUCCEEDED SUCCEEDED SUCCEEDED | resume-verification | refused    |
            FAILED Z        | SUCCEEDED FAILED NOT_STARTED  | rollback         | FAILED        | StartRollback
            FAILED Z        | ROLLED_BACK ROLLBACK_FAILED NOT_STARTED | resume | refused       |
            STOPPED Z       | SUCCEEDED SUCCEEDED NOT_STARTED | resume         | UPGRADING     | RunPhase
            STOPPED Z       | SUCCEEDED SUCCEEDED NOT_STARTED | rollback       | STOPPED       | StartRollback
            STOPPED Z       | SUCCEEDED SUCCEEDED NOT_STARTED | cancel         | refused       |
            FORCE_STOPPED Z | SUCCEEDED INTERRUPTED NOT_STARTED | mark-succeeded | MARKED_SUCCEEDED | SetCurrentVersion
            FORCE_STOPPED Z | SUCCEEDED INTERRUPTED NOT_STARTED | mark-failed  | MARKED_FAILED |
            FORCE_STOPPED Z | SUCCEEDED INTERRUPTED NOT_STARTED | resume       | UPGRADING     | RunPhase
            FORCE_STOPPED Z | SUCCEEDED INTERRUPTED NOT_STARTED | rollback     | FORCE_STOPPED | StartRollback
            FORCE_STOPPED Z | SUCCEEDED INTERRUPTED NOT_STARTED | force-stop   | refused       |
            MARKED_SUCCEEDED Z | SUCCEEDED INTERRUPTED NOT_STARTED | rollback  | MARKED_SUCCEEDED | StartRollback
            MARKED_SUCCEEDED Z | SUCCEEDED INTERRUPTED NOT_STARTED | resume    | refused       |
            MARKED_FAILED Z | SUCCEEDED INTERRUPTED NOT_STARTED | mark-succeeded | refused       |
            CANCELLED Z     | NOT_STARTED NOT_STARTED NOT_STARTED | resume     | refused       |
            CANCELLED Z     | NOT_STARTED NOT_STARTED NOT_STARTED | rollback   | refused       |
            ROLLED_BACK Z   | ROLLED_BACK ROLLED_BACK NOT_STARTED | rollback   | refused       |
            ROLLED_BACK Z   | ROLLED_BACK ROLLED_BACK NOT_STARTED | resume     | refused       |
            """)
    void decides(String state, String services, String input, String next, String effects) {
        UpgradeRecord stored = record(state, services);
        Decision decision = lifecycle.decide(stored, observed(stored, input), input(input, stored.phase()));
        if (next.equals("refused")) {
            assertThat(decision.refused()).isTrue();
            assertThat(decision.refusal().code()).isEqualTo(RejectedException.Code.ACTION_NOT_ALLOWED);
            assertThat(decision.refusal().status()).isEqualTo(409);
            assertThat(decision.next()).isEqualTo(stored);
            assertThat(decision.effects()).isEmpty();
            return;
        }
        assertThat(decision.refused()).as("refused: %s", decision.refusal()).isFalse();
        assertThat(decision.next().state()).isEqualTo(UpgradeState.valueOf(next));
        assertThat(decision.effects().stream().map(e -> e.getClass().getSimpleName()).toList())
                .isEqualTo(effects == null ? List.of() : Arrays.asList(effects.trim().split("\\s+")));
        if (input.startsWith("stop") || input.equals("force-stop") || input.equals("cancel") || input.startsWith("mark")
                || input.equals("resume") || input.equals("rollback")) {
            var entry = decision.next().actions().get(decision.next().actions().size() - 1);
            assertThat(entry.by()).isEqualTo("ops");
            assertThat(entry.fromState()).isEqualTo(stored.state());
            assertThat(entry.toState()).isEqualTo(decision.next().state());
            assertThat(entry.note()).isEqualTo("a note");
        }
    }

    @Test
    void serviceEventsChangeTheServiceLineOfThePhaseInFlight() {
        UpgradeRecord upgrading = record("UPGRADING Z", "SUCCEEDED RUNNING PENDING");
        Observed rolling = new Observed(Phase.ROLLING, NOW);
        UpgradeRecord finished = lifecycle.decide(upgrading, rolling, input("finished", Phase.ROLLING)).next();
        assertThat(finished.service("b").orElseThrow().state()).isEqualTo(ServiceState.SUCCEEDED);
        assertThat(finished.service("b").orElseThrow().minAvailable()).isEqualTo(2);
        UpgradeRecord failed = lifecycle.decide(upgrading, rolling, input("failed", Phase.ROLLING)).next();
        assertThat(failed.service("b").orElseThrow().state()).isEqualTo(ServiceState.FAILED);
        assertThat(failed.service("b").orElseThrow().message()).isEqualTo("progress deadline exceeded");
        // an event of another phase than the one in flight changes nothing
        assertThat(lifecycle.decide(upgrading, new Observed(Phase.FINISH, NOW), input("finished", Phase.ROLLING)).next())
                .isEqualTo(upgrading);

        UpgradeRecord down = record("UPGRADING D", "PENDING RUNNING SCALED_DOWN");
        assertThat(lifecycle.decide(down, new Observed(Phase.SCALE_DOWN, NOW), new Input.ServiceFinished("b",
                Phase.SCALE_DOWN, 1, result(StepOutcome.ROLLED))).next().service("b").orElseThrow().state())
                .isEqualTo(ServiceState.SCALED_DOWN);
        UpgradeRecord back = record("ROLLING_BACK Z", "SUCCEEDED ROLLING_BACK NOT_STARTED");
        assertThat(lifecycle.decide(back, new Observed(Phase.ROLLBACK, NOW), new Input.ServiceFinished("b",
                Phase.ROLLBACK, 1, result(StepOutcome.ROLLED))).next().service("b").orElseThrow().state())
                .isEqualTo(ServiceState.ROLLED_BACK);
    }

    @Test
    void aForceStopLeavesEveryServiceAsItIsAndSaysWhichWereInterrupted() {
        Decision d = lifecycle.decide(record("UPGRADING Z", "SUCCEEDED RUNNING PENDING"), new Observed(Phase.ROLLING, NOW),
                input("force-stop", null));
        assertThat(d.next().services()).extracting(ServiceProgress::state)
                .containsExactly(ServiceState.SUCCEEDED, ServiceState.INTERRUPTED, ServiceState.NOT_STARTED);
        assertThat(d.next().message()).isEqualTo("force stopped by ops: nothing more was done in the cluster");
        assertThat(d.next().finishedAt()).isEqualTo(NOW);
    }

    @Test
    void resumeRunsAgainWhatDidNotFinishAndSkipsWhatDid() {
        Decision d = lifecycle.decide(record("FORCE_STOPPED Z", "SUCCEEDED INTERRUPTED NOT_STARTED"),
                new Observed(null, NOW), input("resume", null));
        assertThat(d.next().services()).extracting(ServiceProgress::state)
                .containsExactly(ServiceState.SUCCEEDED, ServiceState.PENDING, ServiceState.PENDING);
        assertThat(d.next().phase()).isEqualTo(Phase.ROLLING);
        assertThat(d.next().finishedAt()).isNull();
        assertThat(Lifecycle.plan(d.next(), Phase.ROLLING).skip()).containsExactly("a");
    }

    @Test
    void markNeedsAVerdictAndMarkedSucceededMakesTheTargetCurrent() {
        UpgradeRecord stopped = record("FORCE_STOPPED Z", "SUCCEEDED INTERRUPTED NOT_STARTED");
        Decision bad = lifecycle.decide(stopped, new Observed(null, NOW),
                new Input.Operator(Action.MARK, "ops", null, "maybe"));
        assertThat(bad.refusal().code()).isEqualTo(RejectedException.Code.BAD_REQUEST);
        Decision good = lifecycle.decide(stopped, new Observed(null, NOW), input("mark-succeeded", null));
        assertThat(good.effects()).containsExactly(new Effect.SetCurrentVersion("5.1.2.04"));
    }

    @Test
    void anAcceptedUpgradeWaitsForItsStartDelay() {
        Lifecycle delayed = new Lifecycle(true, Duration.ofMinutes(5));
        UpgradeRecord pending = record("PENDING Z", "PENDING PENDING PENDING");
        assertThat(delayed.decide(pending, new Observed(null, NOW), new Input.Start()).effects())
                .containsExactly(new Effect.WakeAt(pending.createdAt().plus(Duration.ofMinutes(5))));
        assertThat(delayed.decide(pending, new Observed(null, pending.createdAt().plus(Duration.ofMinutes(5))),
                new Input.Start())
                .next().state()).isEqualTo(UpgradeState.PRECHECKING);
    }

    @Test
    void withoutRollbackOnFailureAFailedPhaseEndsFailed() {
        Lifecycle keep = new Lifecycle(false, Duration.ZERO);
        Decision d = keep.decide(record("UPGRADING Z", "SUCCEEDED FAILED PENDING"), new Observed(null, NOW),
                new Input.PhaseEnded(Phase.ROLLING, 1, DagOutcome.Status.FAILED));
        assertThat(d.next().state()).isEqualTo(UpgradeState.FAILED);
        assertThat(d.next().message()).isEqualTo("b: progress deadline exceeded");
        assertThat(d.next().service("c").orElseThrow().state()).isEqualTo(ServiceState.NOT_STARTED);
    }

    @Test
    void phasesScheduleTheRightServicesInTheRightOrder() {
        UpgradeRecord failed = record("ROLLING_BACK Z", "SUCCEEDED FAILED NOT_STARTED");
        Lifecycle.PhasePlan rollback = Lifecycle.plan(failed, Phase.ROLLBACK);
        assertThat(rollback.skip()).containsExactly("c");
        assertThat(rollback.graph().order()).containsExactly("c", "b", "a");
        assertThat(rollback.action()).isEqualTo(StepAction.ROLLING);
        assertThat(rollback.image(failed.service("a").orElseThrow())).isEqualTo("img/a:1");

        UpgradeRecord down = record("STOPPING D", "SUCCEEDED RUNNING SCALED_DOWN");
        Lifecycle.PhasePlan restore = Lifecycle.plan(down, Phase.RESTORE);
        assertThat(restore.skip()).isEmpty();
        assertThat(restore.action()).isEqualTo(StepAction.SCALE_UP);
        assertThat(restore.graph().order()).containsExactly("a", "b", "c");
        // a service whose line still says PENDING may be down all the same (its scale-down's event lost in a crash)
        assertThat(Lifecycle.plan(record("STOPPING D", "SCALED_DOWN PENDING PENDING"), Phase.RESTORE).skip()).isEmpty();

        Lifecycle.PhasePlan scaleDown = Lifecycle.plan(record("UPGRADING D", "PENDING PENDING SCALED_DOWN"), Phase.SCALE_DOWN);
        assertThat(scaleDown.skip()).containsExactly("c");
        assertThat(scaleDown.graph().order()).containsExactly("c", "b", "a");
    }

    @Test
    void waitingServicesSayWhatTheyWaitFor() {
        UpgradeRecord rolling = record("UPGRADING Z", "RUNNING PENDING PENDING");
        assertThat(Waits.explain(rolling).services()).extracting(ServiceProgress::message)
                .containsExactly("rolling update", "waiting for a", "waiting for b");
        UpgradeRecord down = record("UPGRADING D", "PENDING PENDING RUNNING");
        assertThat(Waits.explain(down).service("b").orElseThrow().message()).isEqualTo("waiting for the scale-down of c");
        UpgradeRecord full = record("UPGRADING Z", "SUCCEEDED RUNNING PENDING");
        full = full.withServices(List.of(full.services().get(0), full.services().get(1),
                service("c", "PENDING", List.of("a"))));
        UpgradeRecord oneSlot = new UpgradeRecord(full.id(), full.fromVersion(), full.targetVersion(), full.requestedMode(),
                full.mode(), full.modeReason(), full.state(), full.phase(), full.trigger(), full.requestedBy(),
                full.createdAt(), full.startedAt(), null, null, full.services(), null, null, false, 1, null, null, null, null, false);
        assertThat(Waits.explain(oneSlot).service("c").orElseThrow().message())
                .isEqualTo("waiting for a free slot (parallelism 1)");
    }

    @Test
    void prechecksKeepTheirReportAndStopBeforeAnyChange() {
        UpgradeRecord prechecking = record("PRECHECKING Z", "PENDING PENDING PENDING");
        Decision blocked = lifecycle.decide(prechecking, new Observed(null, NOW),
                new Input.PrechecksDone(new PrecheckReport(List.of(CHECK_PASSED, CHECK_FAILED))));
        assertThat(blocked.next().prechecks().failed()).containsExactly(CHECK_FAILED);
        assertThat(blocked.next().message()).isEqualTo(
                "pre-checks failed: surge-capacity: b: no room for 1 surge pod; nothing in the cluster was changed");
        assertThat(blocked.next().services()).allMatch(s -> s.state() == ServiceState.NOT_STARTED);

        UpgradeRecord accepting = new UpgradeRecord(prechecking.id(), prechecking.fromVersion(),
                prechecking.targetVersion(), prechecking.requestedMode(), prechecking.mode(), prechecking.modeReason(),
                prechecking.state(), null, "inbox", "ops", NOW, null, null, null, prechecking.services(), null, null,
                false, 4, null, null, null, null, true);
        Decision warned = lifecycle.decide(accepting, new Observed(null, NOW),
                new Input.PrechecksDone(new PrecheckReport(List.of(CHECK_PASSED, CHECK_WARNED))));
        assertThat(warned.next().state()).isEqualTo(UpgradeState.UPGRADING);
        assertThat(warned.next().prechecks().warnings()).containsExactly(CHECK_WARNED);

        UpgradeRecord rollback = new UpgradeRecord(prechecking.id(), prechecking.fromVersion(),
                prechecking.targetVersion(), prechecking.requestedMode(), prechecking.mode(), prechecking.modeReason(),
                prechecking.state(), null, "rollback", "ops", NOW, null, null, null, prechecking.services(), null, null,
                false, 4, "upg-0", null, null, null, true);
        Decision repair = lifecycle.decide(rollback, new Observed(null, NOW),
                new Input.PrechecksDone(new PrecheckReport(List.of(CHECK_PASSED, CHECK_FAILED))));
        assertThat(repair.next().state()).isEqualTo(UpgradeState.UPGRADING);
        assertThat(repair.next().prechecks().failed()).containsExactly(CHECK_FAILED);

        Decision resume = lifecycle.decide(blocked.next(), new Observed(null, NOW),
                new Input.Operator(Action.RESUME, "ops", null, null));
        assertThat(resume.refusal().code()).isEqualTo(RejectedException.Code.ACTION_NOT_ALLOWED);
        assertThat(resume.refusal().reasons().get(0)).contains("failed its pre-checks before any change");
    }

    @Test
    void aFailedVerificationEndsFailedWithTheCheckAndResumeVerificationRunsItAgain() {
        Lifecycle noRollback = new Lifecycle(false, Duration.ZERO);
        UpgradeRecord verifying = record("VERIFYING Z", "SUCCEEDED SUCCEEDED SUCCEEDED");
        Decision failed = noRollback.decide(verifying, new Observed(null, NOW),
                new Input.VerificationDone(new VerificationReport(List.of(VERIFIED, VERIFY_FAILED), NOW)));
        assertThat(failed.next().state()).isEqualTo(UpgradeState.FAILED);
        assertThat(failed.next().message()).isEqualTo(
                "verification failed: b: job registry/smoke:1: Job verify-b-1 failed: BackoffLimitExceeded");
        assertThat(failed.next().verification().services()).containsExactly(VERIFIED, VERIFY_FAILED);
        assertThat(failed.log()).contains("verification: 2 checks on 2 services, 1 passed, 1 failed");
        assertThat(failed.effects()).doesNotHaveAnyElementsOfTypes(Effect.SetCurrentVersion.class);

        Decision resumed = noRollback.decide(failed.next(), new Observed(null, NOW),
                new Input.Operator(Action.RESUME_VERIFICATION, "ops", null, null));
        assertThat(resumed.refused()).isFalse();
        assertThat(resumed.next().state()).isEqualTo(UpgradeState.VERIFYING);
        assertThat(resumed.next().finishedAt()).isNull();
        assertThat(resumed.effects()).containsExactly(new Effect.RunVerification());
        assertThat(resumed.next().actions()).last().satisfies(a -> {
            assertThat(a.action()).isEqualTo("resume-verification");
            assertThat(a.fromState()).isEqualTo(UpgradeState.FAILED);
            assertThat(a.toState()).isEqualTo(UpgradeState.VERIFYING);
        });

        Decision rolledBack = lifecycle.decide(verifying, new Observed(null, NOW),
                new Input.VerificationDone(new VerificationReport(List.of(VERIFY_FAILED), NOW)));
        assertThat(rolledBack.next().state()).isEqualTo(UpgradeState.ROLLING_BACK);
        assertThat(rolledBack.next().message()).startsWith("verification failed: b: job registry/smoke:1");
    }

    // ---- jobs (issue 13)

    private static UpgradeRecord withJobs(UpgradeRecord r) {
        return r.withJobs(List.of(
                JobProgress.pending("migrate", JobStage.BEFORE, null, "platform", new JobSpec("migrate", "img/m:2", null,
                        null, null, null, null)),
                JobProgress.pending("c-tables", JobStage.SERVICE_BEFORE, "c", "platform", new JobSpec("c-tables",
                        "img/c:2", null, null, null, null, null)),
                JobProgress.pending("warm", JobStage.AFTER, null, "platform", new JobSpec("warm", "img/w:2", null, null,
                        null, null, null))));
    }

    @Test
    void jobsAreNodesOfTheForwardPhasesGraphs() {
        UpgradeRecord zero = withJobs(record("UPGRADING Z", "PENDING PENDING PENDING"));
        var rolling = Lifecycle.plan(zero, Phase.ROLLING).graph();
        assertThat(rolling.dependsOn("job:migrate")).isEmpty();
        assertThat(rolling.dependsOn("a")).containsExactly("job:migrate");
        assertThat(rolling.dependsOn("job:c-tables")).containsExactly("b", "job:migrate");
        assertThat(rolling.dependsOn("c")).containsExactly("b", "job:c-tables");
        assertThat(rolling.dependsOn("job:warm")).containsExactly("a", "b", "c", "job:migrate");
        assertThat(Lifecycle.plan(zero, Phase.ROLLBACK).graph().order()).containsExactly("c", "b", "a");

        // downtime: no job while the services go down; the scale-up's graph starts with the before-jobs
        UpgradeRecord down = withJobs(record("UPGRADING D", "SCALED_DOWN SCALED_DOWN SCALED_DOWN"));
        assertThat(Lifecycle.plan(down, Phase.SCALE_DOWN).graph().nodes()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(Lifecycle.plan(down, Phase.SCALE_UP).graph().dependsOn("a")).containsExactly("job:migrate");

        // a job that succeeded is not run again (a restart, a resume)
        UpgradeRecord migrated = zero.withJob(zero.job("migrate").orElseThrow().started(NOW).ended(true, NOW,
                "succeeded", "done"));
        assertThat(Lifecycle.plan(migrated, Phase.ROLLING).skip()).containsExactly("job:migrate");
    }

    @Test
    void aFailedJobFailsTheUpgradeWithItsOutputAndAResumeRunsItAsANewJob() {
        UpgradeRecord r = withJobs(record("UPGRADING Z", "SUCCEEDED SUCCEEDED SUCCEEDED"));
        Observed rolling = new Observed(Phase.ROLLING, NOW);
        Decision started = lifecycle.decide(r, rolling, new Input.JobStarted("job:warm", Phase.ROLLING, 1));
        assertThat(started.next().job("warm").orElseThrow().state()).isEqualTo(ServiceState.RUNNING);
        assertThat(started.log()).containsExactly("job warm (after the services): started as Job platform/warm-upg-1-1"
                + " (img/w:2)");

        Decision ended = lifecycle.decide(started.next(), rolling, new Input.JobEnded("job:warm", Phase.ROLLING, 1, false,
                "BackoffLimitExceeded", "warming\ncache unreachable\nexit code 1"));
        assertThat(ended.log()).containsExactly("job warm: FAILED: BackoffLimitExceeded", "job warm:   | warming",
                "job warm:   | cache unreachable", "job warm:   | exit code 1");

        Decision failed = lifecycle.decide(ended.next(), new Observed(null, NOW), new Input.PhaseEnded(Phase.ROLLING, 1,
                DagOutcome.Status.FAILED));
        assertThat(failed.next().state()).isEqualTo(UpgradeState.ROLLING_BACK);
        assertThat(failed.next().message()).isEqualTo("job warm (after the services) failed: BackoffLimitExceeded:"
                + " warming | cache unreachable | exit code 1");

        Decision notRolledBack = new Lifecycle(false, Duration.ZERO).decide(ended.next(), new Observed(null, NOW),
                new Input.PhaseEnded(Phase.ROLLING, 1, DagOutcome.Status.FAILED));
        assertThat(notRolledBack.next().state()).isEqualTo(UpgradeState.FAILED);
        Decision resumed = lifecycle.decide(notRolledBack.next(), new Observed(null, NOW),
                new Input.Operator(Action.RESUME, "ops", null, null));
        JobProgress again = resumed.next().job("warm").orElseThrow();
        assertThat(again.state()).isEqualTo(ServiceState.PENDING);
        assertThat(again.kubernetesName("upg-1")).isEqualTo("warm-upg-1-2");
        assertThat(resumed.next().job("migrate").orElseThrow().kubernetesName("upg-1")).isEqualTo("migrate-upg-1-1");
    }

    @Test
    void aJobOfAPhaseNoLongerInFlightChangesNothing() {
        UpgradeRecord r = withJobs(record("UPGRADING Z", "PENDING PENDING PENDING"));
        Decision stale = lifecycle.decide(r, new Observed(null, NOW), new Input.JobStarted("job:migrate", Phase.ROLLING, 1));
        assertThat(stale.next()).isEqualTo(r);
        // a job ran: the platform's data may have changed, so the upgrade can no longer be cancelled as untouched
        UpgradeRecord migrating = r.withJob(r.job("migrate").orElseThrow().started(NOW));
        assertThat(lifecycle.decide(r, new Observed(null, NOW), new Input.Operator(Action.CANCEL, "ops", null,
                null)).refused()).isFalse();
        assertThat(lifecycle.decide(migrating, new Observed(null, NOW), new Input.Operator(Action.CANCEL, "ops", null,
                null)).refused()).isTrue();
    }

    // ---- fixtures

    private static UpgradeRecord record(String stateAndMode, String services) {
        String[] sm = stateAndMode.trim().split(" ");
        UpgradeState state = UpgradeState.valueOf(sm[0]);
        UpgradeMode mode = sm[1].startsWith("D") ? UpgradeMode.DOWNTIME : UpgradeMode.ZERO_DOWNTIME;
        Phase phase = switch (state) {
            case UPGRADING -> mode == UpgradeMode.ZERO_DOWNTIME ? Phase.ROLLING
                    : sm[1].equals("D-up") ? Phase.SCALE_UP : Phase.SCALE_DOWN;
            case ROLLING_BACK -> Phase.ROLLBACK;
            case STOPPING -> mode == UpgradeMode.ZERO_DOWNTIME ? Phase.ROLLING : Phase.RESTORE;
            default -> null;
        };
        String[] states = services.trim().split("\\s+");
        Map<String, List<String>> deps = new LinkedHashMap<>();
        deps.put("a", List.of());
        deps.put("b", List.of("a"));
        deps.put("c", List.of("b"));
        List<ServiceProgress> lines = new java.util.ArrayList<>();
        int i = 0;
        for (var e : deps.entrySet()) {
            lines.add(service(e.getKey(), states[i++], e.getValue()));
        }
        return new UpgradeRecord("upg-1", "5.1.2.02", "5.1.2.04", mode, mode, "test", state, phase, "http", "ops",
                NOW.minusSeconds(60), NOW.minusSeconds(50), null, null, lines, "msg", null, false, 4, null, null, null, null, false);
    }

    private static ServiceProgress service(String name, String state, List<String> dependsOn) {
        return new ServiceProgress(name, "platform", name, null, dependsOn, ServiceState.valueOf(state), "img/" + name + ":1",
                "img/" + name + ":2", 2, null, null, null, state.equals("FAILED") ? "progress deadline exceeded"
                        : state.equals("RUNNING") ? "rolling update" : null, null, List.of(), null, null, null);
    }

    /** What this process has in flight in the row's state: the record's phase, except after a restart. */
    private static Observed observed(UpgradeRecord r, String input) {
        boolean running = !r.state().isFinal() && r.state() != UpgradeState.PENDING && r.state() != UpgradeState.PRECHECKING
                && r.state() != UpgradeState.VERIFYING;
        Phase inFlight = input.equals("restart") || input.endsWith("-ok") || input.endsWith("-failed") || !running
                ? null : r.phase();
        return new Observed(inFlight, NOW);
    }

    private static Input input(String name, Phase phase) {
        return switch (name) {
            case "restart" -> new Input.Restart();
            case "verified" -> new Input.VerificationDone(new VerificationReport(List.of(VERIFIED), NOW));
            case "nothing-to-verify" -> new Input.VerificationDone(new VerificationReport(List.of(), NOW));
            case "verify-failed" -> new Input.VerificationDone(new VerificationReport(List.of(VERIFY_FAILED), NOW));
            case "checks-passed" -> new Input.PrechecksDone(new PrecheckReport(List.of(CHECK_PASSED)));
            case "checks-failed" -> new Input.PrechecksDone(new PrecheckReport(List.of(CHECK_PASSED, CHECK_FAILED)));
            case "checks-warned" -> new Input.PrechecksDone(new PrecheckReport(List.of(CHECK_PASSED, CHECK_WARNED)));
            case "finished" -> new Input.ServiceFinished("b", phase, 1, result(StepOutcome.ROLLED));
            case "failed" -> new Input.ServiceFailed("b", phase, 1, "progress deadline exceeded");
            case "phase-ok" -> new Input.PhaseEnded(phase, 1, DagOutcome.Status.SUCCEEDED);
            case "phase-failed" -> new Input.PhaseEnded(phase, 1, DagOutcome.Status.FAILED);
            case "finish-ok" -> new Input.PhaseEnded(Phase.FINISH, 1, DagOutcome.Status.SUCCEEDED);
            case "restore-ok" -> new Input.PhaseEnded(Phase.RESTORE, 1, DagOutcome.Status.SUCCEEDED);
            case "lease-lost" -> new Input.LeaseLost("taken over");
            case "window-closed" -> new Input.WindowClosed(NOW);
            case "mark-succeeded" -> new Input.Operator(Action.MARK, "ops", "a note", "succeeded");
            case "mark-failed" -> new Input.Operator(Action.MARK, "ops", "a note", "failed");
            default -> new Input.Operator(Action.ofPath(name).orElseThrow(), "ops", "a note", null);
        };
    }

    private static StepResult result(StepOutcome outcome) {
        return new StepResult("b", "platform", "b", outcome, "img/b:1", "img/b:2", 2, 2, NOW, NOW, "rolled");
    }
}
