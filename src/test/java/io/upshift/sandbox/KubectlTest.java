package io.upshift.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.upshift.config.JsonConfiguration;
import io.upshift.kubernetes.Rollouts;
import io.upshift.kubernetes.ServiceStep;
import io.upshift.kubernetes.StepAction;
import io.upshift.kubernetes.StepOutcome;
import io.upshift.kubernetes.StepResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The installed kubectl against the sandbox, through the kubeconfig it writes. */
class KubectlTest {

    private static final Path KUBECTL = Path.of("/usr/bin/kubectl");

    @TempDir
    static Path dataDir;

    static SandboxCluster sandbox;

    @BeforeAll
    static void start() {
        assumeTrue(Files.isExecutable(KUBECTL), "kubectl is not installed");
        sandbox = Sandbox.start(dataDir, "examples/platform-5.1.2.02.yaml");
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.stop();
        }
    }

    private record Result(int exit, String output) {
    }

    private static Result kubectl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(KUBECTL.toString(), "--kubeconfig", sandbox.kubeconfig().toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("kubectl finished").isTrue();
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void kubeconfigIsWrittenToTheDataDir() {
        assertThat(sandbox.kubeconfig()).isEqualTo(dataDir.resolve("sandbox.kubeconfig").toAbsolutePath().normalize())
                .exists();
    }

    @Test
    void getDeploymentsListsTheSeededPlatform() throws Exception {
        Result r = kubectl("get", "deployments", "-n", "platform");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("config-center", "auth", "metadata", "scheduler", "data-service", "gateway",
                "web-console");
        // the columns a cluster shows (the sandbox answers kubectl's Table request)
        assertThat(r.output().lines().findFirst().orElse("")).matches("NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE");
        assertThat(r.output()).containsPattern("gateway\\s+2/2\\s+2\\s+2\\s+\\d+[smhd]");
    }

    @Test
    void wideOutputShowsContainersAndImages() throws Exception {
        Result r = kubectl("get", "deployment", "web-console", "-n", "platform", "-o", "wide");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("CONTAINERS", "IMAGES", "console", "registry.upshift.local/dataphin/web-console:5.1.2.0");
    }

    @Test
    void rolloutStatusSucceedsAfterARoll() throws Exception {
        try (KubernetesClient client = Sandbox.client(sandbox)) {
            Rollouts rollouts = new Rollouts(client, Rollouts.Settings.defaults(), new JsonConfiguration().jsonMapper(),
                    Clock.systemUTC());
            rollouts.start();
            StepResult result = rollouts.execute(new ServiceStep("up-2", "5.1.2.04", "web-console", "platform",
                    "web-console", null, "registry.upshift.local/dataphin/web-console:5.1.2.04", StepAction.ROLLING),
                    null).get(20, TimeUnit.SECONDS);
            rollouts.stop();
            assertThat(result.outcome()).isEqualTo(StepOutcome.ROLLED);
        }
        Result r = kubectl("rollout", "status", "deployment/web-console", "-n", "platform", "--timeout=20s");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("successfully rolled out");
        Result image = kubectl("get", "deployment", "web-console", "-n", "platform", "-o",
                "jsonpath={.spec.template.spec.containers[0].image}");
        assertThat(image.output()).isEqualTo("registry.upshift.local/dataphin/web-console:5.1.2.04");
    }

    @Test
    void rolloutStatusFollowsAStatefulSet() throws Exception {
        try (KubernetesClient client = Sandbox.client(sandbox)) {
            client.apps().statefulSets().inNamespace(Sandbox.NS).resource(SandboxStatefulSets.statefulSet("kv", Sandbox.NS,
                    3, "kv", "registry.upshift.local/kv:1", null)).create();
            Result created = kubectl("rollout", "status", "statefulset/kv", "-n", Sandbox.NS, "--timeout=20s");
            assertThat(created.exit()).as(created.output()).isZero();
            Result patched = kubectl("patch", "statefulset", "kv", "-n", Sandbox.NS, "--type=json", "-p",
                    "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"registry.upshift.local/kv:2\"}]");
            assertThat(patched.exit()).as(patched.output()).isZero();
            Result r = kubectl("rollout", "status", "statefulset/kv", "-n", Sandbox.NS, "--timeout=20s");
            assertThat(r.exit()).as(r.output()).isZero();
            // kubectl judges the defaulted RollingUpdate (partition 0) "partitioned": done once 3 pods are updated
            assertThat(r.output()).contains("roll out complete: 3 new pods have been updated");
            assertThat(io.upshift.kubernetes.StatefulSetRules.rolledOut(client.apps().statefulSets().inNamespace(Sandbox.NS)
                    .withName("kv").get())).isTrue();
        }
        Result pods = kubectl("get", "pods", "-n", Sandbox.NS, "-l", "app=kv", "-o",
                "jsonpath={range .items[*]}{.metadata.name}={.metadata.labels.controller-revision-hash} {end}");
        assertThat(pods.exit()).as(pods.output()).isZero();
        assertThat(pods.output().trim().split(" ")).hasSize(3).allMatch(p -> p.startsWith("kv-"));
    }

    @Test
    void getServicesAndJobsListsThem() throws Exception {
        try (KubernetesClient client = Sandbox.client(sandbox)) {
            client.batch().v1().jobs().inNamespace("platform").resource(new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
                    .withNewMetadata().withName("kubectl-smoke").endMetadata().withNewSpec().withBackoffLimit(0)
                    .withNewTemplate().withNewSpec().withRestartPolicy("Never").addNewContainer().withName("check")
                    .withImage("registry.upshift.local/smoke:1").endContainer().endSpec().endTemplate().endSpec()
                    .build()).create();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> client.batch().v1()
                    .jobs().inNamespace("platform").withName("kubectl-smoke").get().getStatus().getSucceeded() != null);
        }
        Result r = kubectl("get", "services,jobs", "-n", "platform");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("service/gateway", "service/web-console", "job.batch/kubectl-smoke");
        Result log = kubectl("logs", "kubectl-smoke-1", "-n", "platform");
        assertThat(log.exit()).as(log.output()).isZero();
        assertThat(log.output()).contains("registry.upshift.local/smoke:1", "exit code 0");
    }
}
