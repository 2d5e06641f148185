package io.upshift.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The sandbox's Services, service proxy, Jobs and pod logs, through real HTTP on its API server. */
class SandboxServicesAndJobsTest {

    @TempDir
    static Path dataDir;

    static SandboxCluster sandbox;
    static KubernetesClient client;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(dataDir, "examples/platform-5.1.2.02.yaml");
        client = Sandbox.client(sandbox);
    }

    @AfterAll
    static void stop() {
        client.close();
        sandbox.stop();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(sandbox.url() + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String proxy(String service, String port, String path) {
        return "/api/v1/namespaces/" + Sandbox.NS + "/services/" + service + ":" + port + "/proxy" + path;
    }

    @Test
    void everySeededDeploymentHasAServiceSelectingItsPods() {
        var services = client.services().inNamespace(Sandbox.NS).list().getItems();
        assertThat(services).extracting(s -> s.getMetadata().getName())
                .contains("config-center", "auth", "metadata", "scheduler", "data-service", "gateway",
                        "web-console");
        var gateway = client.services().inNamespace(Sandbox.NS).withName("gateway").get();
        assertThat(gateway.getSpec().getSelector()).isEqualTo(Map.of("app", "gateway"));
        assertThat(gateway.getSpec().getPorts().get(0).getPort()).isEqualTo(SandboxCluster.SERVICE_PORT);
    }

    @Test
    void theProxyAnswersFromTheDeploymentsAvailability() throws Exception {
        Sandbox.create(client, "proxied", 2, "app", "registry.upshift.local/proxied:1", 600);
        assertThat(get(proxy("proxied", "8080", "/healthz")).statusCode()).isEqualTo(200);
        assertThat(get(proxy("proxied", "http", "/healthz?verbose=1")).body()).contains("ok: proxied/healthz");

        client.apps().deployments().inNamespace(Sandbox.NS).withName("proxied").scale(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> get(proxy("proxied", "8080", "/healthz")).statusCode() == 503);
        assertThat(get(proxy("proxied", "8080", "/healthz")).body())
                .isEqualTo("no endpoints available for service \"proxied\"");

        client.apps().deployments().inNamespace(Sandbox.NS).withName("proxied").scale(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> get(proxy("proxied", "8080", "/healthz")).statusCode() == 200);
    }

    @Test
    void anAnnotationMakesAPathAnswerAChosenStatus() throws Exception {
        Sandbox.create(client, "sulky", 2, "app", "registry.upshift.local/sulky:1", 600);
        client.apps().deployments().inNamespace(Sandbox.NS).withName("sulky").edit(d -> {
            d.getMetadata().setAnnotations(Map.of(SandboxServiceProxy.STATUS_ANNOTATION, "/healthz=500, /ready=404"));
            return d;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> get(proxy("sulky", "8080", "/healthz")).statusCode() == 500);
        assertThat(get(proxy("sulky", "8080", "/ready")).statusCode()).isEqualTo(404);
        assertThat(get(proxy("sulky", "8080", "/other")).statusCode()).isEqualTo(200);
    }

    @Test
    void unknownServicesAndPortsAreRefused() throws Exception {
        assertThat(get(proxy("nowhere", "8080", "/")).statusCode()).isEqualTo(404);
        assertThat(get(proxy("gateway", "9999", "/")).statusCode()).isEqualTo(503);
    }

    @Test
    void aJobCompletesAfterTheDelayWithAPodLog() throws Exception {
        create(job("smoke-ok", "registry.upshift.local/smoke:1", null, null));
        Job done = awaitCondition("smoke-ok");
        assertThat(conditionTypes(done)).contains("Complete");
        assertThat(done.getStatus().getSucceeded()).isEqualTo(1);
        assertThat(done.getStatus().getCompletionTime()).isNotNull();

        var pods = client.pods().inNamespace(Sandbox.NS).withLabel("job-name", "smoke-ok").list().getItems();
        assertThat(pods).hasSize(1);
        assertThat(pods.get(0).getStatus().getPhase()).isEqualTo("Succeeded");
        String log = client.pods().inNamespace(Sandbox.NS).withName(pods.get(0).getMetadata().getName()).getLog();
        assertThat(log).contains("registry.upshift.local/smoke:1 /bin/check --all", "exit code 0");
        assertThat(client.pods().inNamespace(Sandbox.NS).withName(pods.get(0).getMetadata().getName()).tailingLines(1)
                .getLog()).isEqualTo("sandbox: completed in 50 ms: exit code 0\n");
    }

    @Test
    void aJobWhoseImageMatchesThePatternFailsAfterItsBackoffLimit() {
        create(job("smoke-broken", "registry.upshift.local/smoke:broken", 1, null));
        Job failed = awaitCondition("smoke-broken");
        assertThat(conditionTypes(failed)).contains("Failed").doesNotContain("Complete");
        assertThat(condition(failed, "Failed").getReason()).isEqualTo("BackoffLimitExceeded");
        assertThat(failed.getStatus().getFailed()).isEqualTo(2);
        var pods = client.pods().inNamespace(Sandbox.NS).withLabel("job-name", "smoke-broken").list().getItems();
        assertThat(pods).hasSize(2).allMatch(p -> "Failed".equals(p.getStatus().getPhase()));
        assertThat(client.pods().inNamespace(Sandbox.NS).withName("smoke-broken-2").getLog())
                .contains("failing-image pattern", "exit code 1");

        client.batch().v1().jobs().inNamespace(Sandbox.NS).withName("smoke-broken").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> client.pods().inNamespace(Sandbox.NS)
                .withLabel("job-name", "smoke-broken").list().getItems().isEmpty());
    }

    @Test
    void aJobPastItsActiveDeadlineFails() {
        Job slow = job("smoke-slow", "registry.upshift.local/smoke:1", 0, 1L);
        slow.getMetadata().setAnnotations(Map.of(SandboxJobController.DURATION_ANNOTATION, "1h"));
        create(slow);
        Job failed = awaitCondition("smoke-slow");
        assertThat(condition(failed, "Failed").getReason()).isEqualTo("DeadlineExceeded");
    }

    private static Job job(String name, String image, Integer backoffLimit, Long deadline) {
        return new JobBuilder().withNewMetadata().withName(name).withNamespace(Sandbox.NS).endMetadata()
                .withNewSpec().withBackoffLimit(backoffLimit).withActiveDeadlineSeconds(deadline)
                .withNewTemplate().withNewSpec().withRestartPolicy("Never")
                .addNewContainer().withName("check").withImage(image).withCommand("/bin/check", "--all").endContainer()
                .endSpec().endTemplate().endSpec().build();
    }

    private static void create(Job job) {
        client.batch().v1().jobs().inNamespace(Sandbox.NS).resource(job).create();
    }

    private static Job awaitCondition(String name) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Job j = client.batch().v1().jobs().inNamespace(Sandbox.NS).withName(name).get();
            return conditionTypes(j).contains("Complete") || conditionTypes(j).contains("Failed");
        });
        return client.batch().v1().jobs().inNamespace(Sandbox.NS).withName(name).get();
    }

    private static List<String> conditionTypes(Job j) {
        return j == null || j.getStatus() == null || j.getStatus().getConditions() == null ? List.of()
                : j.getStatus().getConditions().stream().map(JobCondition::getType).toList();
    }

    private static JobCondition condition(Job j, String type) {
        return j.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElseThrow();
    }

    @Test
    void aContainerThatSleepsRunsThatLong() {
        java.util.function.BiFunction<List<String>, List<String>, Duration> sleep = (command, args) -> SandboxJobController
                .sleep(new io.fabric8.kubernetes.api.model.ContainerBuilder().withName("job").withCommand(command)
                        .withArgs(args).build());
        assertThat(sleep.apply(List.of("sleep", "60"), null)).isEqualTo(Duration.ofSeconds(60));
        assertThat(sleep.apply(List.of("/bin/sleep"), List.of("5"))).isEqualTo(Duration.ofSeconds(5));
        assertThat(sleep.apply(List.of("/check"), null)).isNull();
        assertThat(sleep.apply(List.of("sleep", "1h"), null)).isNull();
        assertThat(sleep.apply(null, null)).isNull();
    }
}
