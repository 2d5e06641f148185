package io.upshift.kubernetes;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.upshift.config.JsonConfiguration;
import io.upshift.sandbox.Sandbox;
import io.upshift.sandbox.SandboxCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.upshift.sandbox.Sandbox.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class RolloutsTest {

    private static final Logger LOG = LoggerFactory.getLogger(RolloutsTest.class);
    private static final String V1 = "registry.upshift.local/dataphin/gateway:5.1.2.02";
    private static final String V2 = "registry.upshift.local/dataphin/gateway:5.1.2.04";

    @TempDir
    static Path dataDir;

    static SandboxCluster sandbox;
    static KubernetesClient client;
    static Rollouts rollouts;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(dataDir, null);
        client = Sandbox.client(sandbox);
        rollouts = rollouts(client, Rollouts.Settings.defaults());
    }

    @AfterAll
    static void stop() {
        rollouts.stop();
        client.close();
        sandbox.stop();
    }

    private static ServiceStep step(String name, String image, StepAction action) {
        return new ServiceStep("up-1", "5.1.2.04", name, NS, name, null, image, action);
    }

    private static StepResult run(ServiceStep step, List<String> log) throws Exception {
        return rollouts.execute(step, log::add).get(20, TimeUnit.SECONDS);
    }

    /** Every status a watch sees, from now on. */
    private static Watch record(String name, List<DeploymentStatus> seen) {
        return client.apps().deployments().inNamespace(NS).withName(name).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Deployment d) {
                if (d.getStatus() != null) {
                    seen.add(d.getStatus());
                }
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
    }

    private static int available(DeploymentStatus s) {
        return s.getAvailableReplicas() == null ? 0 : s.getAvailableReplicas();
    }

    @Test
    void zeroDowntimeRollNeverShowsFewerThanDesiredAvailable() throws Exception {
        Sandbox.create(client, "gateway", 3, "gateway", V1, null);
        List<DeploymentStatus> seen = new CopyOnWriteArrayList<>();
        List<String> log = new CopyOnWriteArrayList<>();
        try (Watch watch = record("gateway", seen)) {
            long start = System.nanoTime();
            StepResult result = run(step("gateway", V2, StepAction.ROLLING), log);
            LOG.info("3-replica zero-downtime roll took {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));

            assertThat(result.outcome()).isEqualTo(StepOutcome.ROLLED);
            assertThat(result.fromImage()).isEqualTo(V1);
            assertThat(result.toImage()).isEqualTo(V2);
            assertThat(result.replicas()).isEqualTo(3);
            assertThat(result.minAvailable()).isEqualTo(3);
            Deployment d = Sandbox.get(client, "gateway");
            assertThat(Sandbox.image(client, "gateway", "gateway")).isEqualTo(V2);
            assertThat(Sandbox.image(client, "gateway", "sidecar")).isEqualTo("registry.upshift.local/proxy:1");
            assertThat(d.getMetadata().getAnnotations()).containsEntry(Rollouts.UPGRADE_ID, "up-1")
                    .containsEntry(Rollouts.TARGET_VERSION, "5.1.2.04");
            assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
            assertThat(log).contains("gateway: 3/3 updated, 3 available");
            await().until(() -> seen.stream().anyMatch(s -> s.getUpdatedReplicas() != null && s.getUpdatedReplicas() == 3));
            assertThat(seen).hasSizeGreaterThan(3).allSatisfy(s -> assertThat(available(s)).isGreaterThanOrEqualTo(3));
            assertThat(seen).anySatisfy(s -> assertThat(s.getReplicas()).isEqualTo(4)); // surged by one
        }
    }

    @Test
    void controllerNeverDropsBelowStrategyMinimum() {
        Sandbox.create(client, "metadata", 4, "metadata", V1, null);
        List<DeploymentStatus> seen = new CopyOnWriteArrayList<>();
        try (Watch watch = record("metadata", seen)) {
            client.apps().deployments().inNamespace(NS).withName("metadata").patch(PatchContext.of(PatchType.JSON),
                    "[{\"op\":\"add\",\"path\":\"/spec/strategy/rollingUpdate\",\"value\":{\"maxUnavailable\":1,\"maxSurge\":2}},"
                            + "{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"" + V2 + "\"}]");
            await().atMost(Duration.ofSeconds(10)).until(() -> DeploymentRules.rolledOut(Sandbox.get(client, "metadata"))
                    && V2.equals(Sandbox.image(client, "metadata", "metadata")));
            assertThat(seen).allSatisfy(s -> {
                assertThat(available(s)).as("available of %s", s).isGreaterThanOrEqualTo(3);
                assertThat(s.getReplicas()).as("replicas of %s", s).isLessThanOrEqualTo(6);
            });
            assertThat(seen).anySatisfy(s -> assertThat(available(s)).isEqualTo(3));
        }
    }

    @Test
    void downtimeRollScalesToZeroAndBack() throws Exception {
        Sandbox.create(client, "scheduler", 3, "scheduler", V1, null);
        StepResult result = run(step("scheduler", V2, StepAction.DOWNTIME), new CopyOnWriteArrayList<>());
        assertThat(result.outcome()).isEqualTo(StepOutcome.ROLLED);
        assertThat(result.minAvailable()).isZero();
        assertThat(result.replicas()).isEqualTo(3);
        Deployment d = Sandbox.get(client, "scheduler");
        assertThat(d.getSpec().getReplicas()).isEqualTo(3);
        assertThat(Sandbox.image(client, "scheduler", "scheduler")).isEqualTo(V2);
        assertThat(d.getMetadata().getAnnotations()).containsEntry(Rollouts.REPLICAS_BEFORE_DOWNTIME, "3");
        assertThat(DeploymentRules.rolledOut(d)).isTrue();
    }

    @Test
    void scaleDownThenScaleUpRestoresTheRecordedReplicas() throws Exception {
        Sandbox.create(client, "auth", 3, "auth", V1, null);
        StepResult down = run(step("auth", V2, StepAction.SCALE_DOWN), new CopyOnWriteArrayList<>());
        assertThat(down.replicas()).isZero();
        assertThat(Sandbox.get(client, "auth").getStatus().getReplicas()).isNull();
        assertThat(run(step("auth", V2, StepAction.SCALE_DOWN), new CopyOnWriteArrayList<>()).outcome())
                .isEqualTo(StepOutcome.ALREADY_AT_TARGET);
        StepResult up = run(step("auth", V2, StepAction.SCALE_UP), new CopyOnWriteArrayList<>());
        assertThat(up.replicas()).isEqualTo(3);
        assertThat(Sandbox.image(client, "auth", "auth")).isEqualTo(V2);
        assertThat(DeploymentRules.rolledOut(Sandbox.get(client, "auth"))).isTrue();
    }

    @Test
    void rollbackPutsThePreviousImageBack() throws Exception {
        Sandbox.create(client, "data-service", 2, "data-service", V1, null);
        StepResult forward = run(step("data-service", V2, StepAction.ROLLING), new CopyOnWriteArrayList<>());
        StepResult back = run(step("data-service", forward.fromImage(), StepAction.ROLLING), new CopyOnWriteArrayList<>());
        assertThat(back.outcome()).isEqualTo(StepOutcome.ROLLED);
        assertThat(back.toImage()).isEqualTo(V1);
        assertThat(back.minAvailable()).isEqualTo(2);
        assertThat(Sandbox.image(client, "data-service", "data-service")).isEqualTo(V1);
    }

    @Test
    void alreadyAtTargetCompletesAtOnceWithoutChangingTheDeployment() throws Exception {
        Deployment before = Sandbox.create(client, "config-center", 2, "config-center", V1, null);
        StepResult result = run(step("config-center", V1, StepAction.ROLLING), new CopyOnWriteArrayList<>());
        assertThat(result.outcome()).isEqualTo(StepOutcome.ALREADY_AT_TARGET);
        assertThat(result.minAvailable()).isEqualTo(2);
        assertThat(Sandbox.get(client, "config-center").getMetadata().getGeneration())
                .isEqualTo(before.getMetadata().getGeneration());
    }

    @Test
    void brokenImageTimesOutWithTheConditionMessageAndKeepsTheOldPods() {
        Sandbox.create(client, "broken", 3, "broken", V1, 1);
        assertThatThrownBy(() -> run(step("broken", "registry.upshift.local/x:broken-1", StepAction.ROLLING), new CopyOnWriteArrayList<>()))
                .isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(RolloutTimeoutException.class)
                .hasMessageContaining("exceeded its progress deadline")
                .hasMessageContaining("has timed out progressing");
        assertThat(Sandbox.get(client, "broken").getStatus().getAvailableReplicas()).isEqualTo(3);
    }

    @Test
    void missingDeploymentAndContainerAreTypedErrors() {
        assertThatThrownBy(() -> run(step("nowhere", V2, StepAction.ROLLING), new CopyOnWriteArrayList<>()))
                .cause().isInstanceOf(DeploymentNotFoundException.class)
                .hasMessage("Deployment platform/nowhere not found");
        Sandbox.create(client, "web-console", 2, "console", V1, null);
        ServiceStep wrong = new ServiceStep("up-1", "5.1.2.04", "web-console", NS, "web-console", "ui", V2,
                StepAction.ROLLING);
        assertThatThrownBy(() -> run(wrong, new CopyOnWriteArrayList<>())).cause().isInstanceOf(ContainerNotFoundException.class)
                .hasMessage("Deployment platform/web-console has no container ui (it has console, sidecar)");
    }

    @Test
    void unreachableApiIsRetriedThenFails() {
        io.fabric8.kubernetes.client.Config config = io.fabric8.kubernetes.client.Config.empty();
        config.setMasterUrl("http://127.0.0.1:1");
        config.setRequestRetryBackoffLimit(0);
        try (KubernetesClient offline = new KubernetesClientBuilder().withConfig(config).build()) {
            Rollouts unreachable = rollouts(offline, new Rollouts.Settings("0", "1", Duration.ofSeconds(5),
                    Duration.ofSeconds(1), 2, Duration.ofMillis(10)));
            assertThatThrownBy(() -> unreachable.execute(step("gateway", V2, StepAction.ROLLING), null)
                    .get(10, TimeUnit.SECONDS))
                    .cause().isInstanceOf(ClusterUnreachableException.class)
                    .hasMessageContaining("Kubernetes API unreachable");
            unreachable.stop();
        }
    }

    private static Rollouts rollouts(KubernetesClient client, Rollouts.Settings settings) {
        Rollouts rollouts = new Rollouts(client, settings, new JsonConfiguration().jsonMapper(), Clock.systemUTC());
        rollouts.start();
        return rollouts;
    }
}
