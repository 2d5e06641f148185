package io.upshift.kubernetes;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.upshift.config.JsonConfiguration;
import io.upshift.sandbox.Sandbox;
import io.upshift.sandbox.SandboxCluster;
import io.upshift.sandbox.SandboxDeploymentController;
import io.upshift.sandbox.SandboxFaults;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.upshift.sandbox.Sandbox.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A step rolled against a sandbox API server that errs, throttles, and closes or expires its watches. */
class RolloutsFaultsTest {

    private static final String V1 = "registry.upshift.local/dataphin/svc:1";
    private static final String V2 = "registry.upshift.local/dataphin/svc:2";

    @TempDir
    static Path dataDir;

    static SandboxCluster sandbox;
    static KubernetesClient client;
    static Rollouts rollouts;
    static final List<String> retries = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(dataDir, null);
        var config = sandbox.clientConfig();
        config.setRequestRetryBackoffLimit(0); // as Upshift's client: ApiRetry is the one retry
        client = new KubernetesClientBuilder().withConfig(config).build();
        rollouts = new Rollouts(client, Rollouts.Settings.defaults(), new JsonConfiguration().jsonMapper(), Clock.systemUTC(),
                new ApiRetry.Policy(8, Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(20)),
                new ApiRetry.Listener() {
                    @Override
                    public void retrying(String operation, String reason, int attempt, Duration delay, Throwable failure) {
                        retries.add(reason);
                    }

                    @Override
                    public void gaveUp(String operation, String reason, int attempts, Throwable failure) {
                        retries.add("gave up " + reason + " after " + attempts);
                    }
                });
        rollouts.start();
    }

    @AfterEach
    void clear() {
        sandbox.faults(SandboxFaults.none());
        retries.clear();
    }

    @AfterAll
    static void stop() {
        rollouts.stop();
        client.close();
        sandbox.stop();
    }

    private static Deployment create(String name, String readinessDelay) {
        Sandbox.create(client, name, 2, "svc", V1, null);
        client.apps().deployments().inNamespace(NS).withName(name).edit(d -> new io.fabric8.kubernetes.api.model.apps
                .DeploymentBuilder(d).editMetadata().addToAnnotations(SandboxDeploymentController.READINESS_DELAY_ANNOTATION,
                        readinessDelay).endMetadata().build());
        return Sandbox.get(client, name);
    }

    private static StepResult roll(String name) throws Exception {
        return rollouts.execute(new ServiceStep("up-19", "2", name, NS, name, "svc", V2, StepAction.ROLLING), null)
                .get(30, TimeUnit.SECONDS);
    }

    @Test
    void errorsAndThrottlingAreRetriedAndTheStepCompletes() throws Exception {
        create("errs", "50ms");
        // a step's one request is its PATCH (the Deployment is read from the informer's cache): seed 19 makes
        // its first two attempts fail (503), then it goes on drawing 429s and 503s at random
        sandbox.faults(SandboxFaults.parse(Map.of("errors", "patch:0.5", "error-status", "503",
                "throttle", "patch:0.5", "retry-after", "1", "seed", "19")));
        StepResult result = roll("errs");
        Map<String, Long> injected = sandbox.injectedFaults();
        sandbox.faults(SandboxFaults.none());
        assertThat(result.outcome()).isEqualTo(StepOutcome.ROLLED);
        assertThat(Sandbox.image(client, "errs", "svc")).isEqualTo(V2);
        assertThat(DeploymentRules.rolledOut(Sandbox.get(client, "errs"))).isTrue();
        assertThat(injected.values().stream().mapToLong(Long::longValue).sum()).isPositive();
        assertThat(retries).isNotEmpty().allMatch(r -> r.equals("503") || r.equals("429"));
    }

    @Test
    void closedAndExpiredWatchesNeitherLoseTheRolloutNorEndItEarly() throws Exception {
        create("watched", "600ms");
        sandbox.faults(SandboxFaults.parse(Map.of("watch-close-every", "150ms", "watch-gone", "0.3", "seed", "7")));
        StepResult result = roll("watched");
        Map<String, Long> injected = sandbox.injectedFaults();
        sandbox.faults(SandboxFaults.none());
        Deployment d = Sandbox.get(client, "watched");
        // "done" only once the controller had really finished: the status cannot have caught up later
        assertThat(DeploymentRules.rolledOut(d)).isTrue();
        assertThat(d.getStatus().getObservedGeneration()).isGreaterThanOrEqualTo(d.getMetadata().getGeneration());
        assertThat(result.outcome()).isEqualTo(StepOutcome.ROLLED);
        assertThat(result.minAvailable()).isEqualTo(2);
        // the informer's watch (shared by every step) re-watches after a backoff of about a second: closed at least once mid-step
        assertThat(injected.getOrDefault("watches-closed", 0L)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aCallThatKeepsFailingGivesUpWithinItsDeadlineWithATypedError() {
        create("down", "50ms");
        sandbox.faults(SandboxFaults.parse(Map.of("errors", "patch:1", "error-status", "500")));
        assertThatThrownBy(() -> roll("down")).cause().isInstanceOf(RolloutException.class)
                .hasMessageContaining("could not patch Deployment platform/down (500)");
        assertThat(retries).hasSize(9).last().isEqualTo("gave up 500 after 9");
    }

    @Test
    void someoneElseSettingAnotherImageMidRolloutStopsTheStepNamingTheChange() throws Exception {
        create("edited", "800ms");
        sandbox.faults(SandboxFaults.parse(Map.of("foreign-edit.after-writes", "1",
                "foreign-edit.image", "registry.upshift.local/dataphin/svc:hotfix")));
        assertThatThrownBy(() -> roll("edited")).cause().isInstanceOf(ForeignEditException.class)
                .hasMessageContaining("edited: Deployment platform/edited was changed by someone else while Upshift rolled it")
                .hasMessageContaining("the image of container svc is now registry.upshift.local/dataphin/svc:hotfix, not " + V2);
        assertThat(sandbox.injectedFaults()).containsEntry("foreign-edits", 1L);
    }

    @Test
    void anImageSetWhileTheServiceWasDownIsJudgedAgainstTheRecordedImageNotTaken() throws Exception {
        create("downed", "50ms");
        rollouts.execute(new ServiceStep("up-19", "2", "downed", NS, "downed", "svc", null, StepAction.SCALE_DOWN), null)
                .get(30, TimeUnit.SECONDS);
        // someone else sets an image between the scale-down and the scale-up (downtime mode)
        String hotfix = "registry.upshift.local/dataphin/svc:hotfix";
        client.apps().deployments().inNamespace(NS).withName("downed").edit(d -> new io.fabric8.kubernetes.api.model.apps
                .DeploymentBuilder(d).editSpec().editTemplate().editSpec().editFirstContainer().withImage(hotfix)
                .endContainer().endSpec().endTemplate().endSpec().build());
        ServiceStep up = new ServiceStep("up-19", "2", "downed", NS, "downed", "svc", V2, StepAction.SCALE_UP, null, null, null, V1);

        assertThatThrownBy(() -> rollouts.execute(up, null).get(30, TimeUnit.SECONDS)).cause()
                .isInstanceOf(ForeignEditException.class)
                .hasMessageContaining("downed: Deployment platform/downed was changed by someone else")
                .hasMessageContaining("the image of container svc is now " + hotfix + ", not " + V1
                        + " (before the upgrade) or " + V2);
        // nothing overwritten, nothing scaled up
        assertThat(Sandbox.image(client, "downed", "svc")).isEqualTo(hotfix);
        assertThat(Sandbox.get(client, "downed").getSpec().getReplicas()).isZero();

        // the same step on a Deployment at the recorded image (or, resumed, already at its own) goes on
        client.apps().deployments().inNamespace(NS).withName("downed").edit(d -> new io.fabric8.kubernetes.api.model.apps
                .DeploymentBuilder(d).editSpec().editTemplate().editSpec().editFirstContainer().withImage(V1)
                .endContainer().endSpec().endTemplate().endSpec().build());
        assertThat(rollouts.execute(up, null).get(30, TimeUnit.SECONDS).outcome()).isEqualTo(StepOutcome.ROLLED);
        assertThat(rollouts.execute(up, null).get(30, TimeUnit.SECONDS).outcome()).isEqualTo(StepOutcome.ALREADY_AT_TARGET);
        assertThat(Sandbox.image(client, "downed", "svc")).isEqualTo(V2);
        assertThat(Sandbox.get(client, "downed").getSpec().getReplicas()).isEqualTo(2);
    }

    @Test
    void anAutoscalerChangingTheReplicasMidRolloutDoesNotFailAZeroDowntimeStep() throws Exception {
        create("scaled", "600ms");
        sandbox.faults(SandboxFaults.parse(Map.of("foreign-edit.after-writes", "1", "foreign-edit.replicas", "3")));
        StepResult result = roll("scaled");
        assertThat(sandbox.injectedFaults()).containsEntry("foreign-edits", 1L);
        assertThat(result.outcome()).isEqualTo(StepOutcome.ROLLED);
        Deployment d = Sandbox.get(client, "scaled");
        assertThat(d.getSpec().getReplicas()).isEqualTo(3);
        assertThat(DeploymentRules.rolledOut(d)).isTrue();
        assertThat(Sandbox.image(client, "scaled", "svc")).isEqualTo(V2);
    }
}
