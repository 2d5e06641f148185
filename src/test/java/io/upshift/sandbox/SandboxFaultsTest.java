package io.upshift.sandbox;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.upshift.kubernetes.DeploymentRules;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.upshift.sandbox.Sandbox.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The sandbox's fault layer, set through its admin endpoint over real HTTP and seen through a real client. */
class SandboxFaultsTest {

    private static final String V1 = "registry.upshift.local/dataphin/app:1";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;

    static SandboxCluster sandbox;
    static SandboxAdmin admin;
    static KubernetesClient client;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        sandbox = Sandbox.start(dataDir, null);
        admin = new SandboxAdmin(sandbox, 0);
        var config = sandbox.clientConfig();
        config.setRequestRetryBackoffLimit(0); // as Upshift's client: every fault reaches the caller
        client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config).build();
        for (String name : List.of("alpha", "beta", "gamma", "delta")) {
            Sandbox.create(client, name, 2, "app", V1, null);
        }
    }

    @AfterEach
    void clear() throws Exception {
        send("DELETE", null);
    }

    @AfterAll
    static void stop() {
        client.close();
        admin.close();
        sandbox.stop();
    }

    private static HttpResponse<String> send(String method, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(admin.url() + "/faults"));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode set(Map<String, String> faults) throws Exception {
        HttpResponse<String> answer = send("PUT", JSON.writeValueAsString(faults));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private static long injected(String kind) throws Exception {
        return JSON.readTree(send("GET", null).body()).path("injected").path(kind).asLong();
    }

    private static void patchImage(String name, String image) {
        client.apps().deployments().inNamespace(NS).withName(name).patch(PatchContext.of(PatchType.JSON),
                "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"" + image + "\"}]");
    }

    @Test
    void adminListensOnLoopbackOnlyAndRefusesBadSettingsWithEveryReason() throws Exception {
        assertThat(admin.url()).startsWith("http://127.0.0.1:");
        HttpResponse<String> bad = send("PUT", "{\"errors\":\"patch:2\",\"latency\":\"soon\",\"colour\":\"red\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).path("error").asText())
                .contains("unknown fault setting colour", "errors: a ratio is a number from 0 to 1, not 2", "latency:");
        assertThat(send("PUT", "[1]").statusCode()).isEqualTo(400);
        assertThat(send("POST", "{}").statusCode()).isEqualTo(405);
        assertThat(JSON.readTree(send("GET", null).body()).path("faults").isEmpty()).isTrue();
    }

    @Test
    void settingsReadBackAsTheyWereWritten() throws Exception {
        Map<String, String> settings = Map.of("errors", "*:0.25,patch:0.5", "error-status", "503", "throttle", "get:0.1",
                "retry-after", "2", "latency", "20ms", "watch-close-every", "1000ms", "conflicts", "0.5",
                "never-ready", "a,b", "foreign-edit.after-writes", "3", "foreign-edit.image", "x:2");
        SandboxFaults faults = SandboxFaults.parse(settings);
        assertThat(SandboxFaults.parse(faults.toMap()).toMap()).isEqualTo(faults.toMap()).hasSize(settings.size());
        assertThat(faults.latency()).isEqualTo(Duration.ofMillis(20));
        assertThat(faults.foreignEdit()).isEqualTo(new SandboxFaults.ForeignEdit(3, null, "x:2", null));
        assertThat(SandboxFaults.ratio(faults.errors(), "patch")).isEqualTo(0.5);
        assertThat(SandboxFaults.ratio(faults.errors(), "get")).isEqualTo(0.25);
        // SandboxMain takes them as options too
        assertThat(SandboxMain.faults(SandboxMain.settings(new String[] {"--faults.errors", "get:0.5", "--faults.latency=5ms"}))
                .toMap()).containsEntry("errors", "get:0.5").containsEntry("latency", "5ms");
        assertThatThrownBy(() -> SandboxFaults.parse(Map.of("foreign-edit.after-writes", "1")))
                .hasMessageContaining("set exactly one of foreign-edit.image and foreign-edit.replicas");
    }

    @Test
    void throttledGetsAnswer429WithRetryAfterWhileOtherVerbsPass() throws Exception {
        set(Map.of("throttle", "get:1", "retry-after", "2"));
        assertThatThrownBy(() -> Sandbox.get(client, "alpha")).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
            assertThat(e.getCode()).isEqualTo(429);
            assertThat(e.getStatus().getDetails().getRetryAfterSeconds()).isEqualTo(2);
        });
        HttpResponse<String> raw = http.send(HttpRequest.newBuilder(URI.create(sandbox.url()
                + "/apis/apps/v1/namespaces/" + NS + "/deployments/alpha")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(raw.statusCode()).isEqualTo(429);
        assertThat(raw.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(client.apps().deployments().inNamespace(NS).list().getItems()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(injected("throttled")).isEqualTo(2);
        send("DELETE", null);
        assertThat(Sandbox.get(client, "alpha")).isNotNull();
    }

    @Test
    void errorsAndConflictsHitTheirVerbsAndResourcesOnly() throws Exception {
        set(Map.of("errors", "patch:1", "error-status", "503", "resources", "deployments"));
        assertThatThrownBy(() -> patchImage("alpha", "registry.upshift.local/dataphin/app:2"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(503));
        assertThat(Sandbox.get(client, "alpha")).isNotNull();
        assertThat(client.services().inNamespace(NS).withName("alpha").patch(PatchContext.of(PatchType.JSON),
                "[{\"op\":\"add\",\"path\":\"/metadata/labels/x\",\"value\":\"y\"}]")).isNotNull();

        set(Map.of("conflicts", "1"));
        assertThatThrownBy(() -> patchImage("alpha", "registry.upshift.local/dataphin/app:2"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
                });
        assertThat(Sandbox.image(client, "alpha", "app")).isEqualTo(V1);
    }

    @Test
    void watchesAreClosedAndComeBackAndGoneWatchesAnswer410() throws Exception {
        set(Map.of("watch-close-every", "100ms"));
        List<String> images = new CopyOnWriteArrayList<>();
        try (Watch watch = client.apps().deployments().inNamespace(NS).withName("beta").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Deployment d) {
                images.add(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            await().atMost(Duration.ofSeconds(10)).until(() -> injected("watches-closed") >= 2);
            patchImage("beta", "registry.upshift.local/dataphin/app:3");
            // the client watched again after each close: the change still reaches it
            await().atMost(Duration.ofSeconds(10)).until(() -> images.contains("registry.upshift.local/dataphin/app:3"));
        }
        set(Map.of("watch-gone", "1"));
        assertThatThrownBy(() -> client.apps().deployments().inNamespace(NS).withName("beta").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Deployment d) {
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })).isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(410));
    }

    @Test
    void aNeverReadyDeploymentStaysUnreadyWhileAnotherRollsOut() throws Exception {
        set(Map.of("never-ready", "gamma"));
        patchImage("gamma", "registry.upshift.local/dataphin/app:4");
        patchImage("alpha", "registry.upshift.local/dataphin/app:4");
        await().atMost(Duration.ofSeconds(10)).until(() -> DeploymentRules.rolledOut(Sandbox.get(client, "alpha")));
        Deployment gamma = Sandbox.get(client, "gamma");
        assertThat(DeploymentRules.rolledOut(gamma)).isFalse();
        assertThat(gamma.getStatus().getUpdatedReplicas()).isPositive();
        assertThat(DeploymentRules.available(gamma)).isLessThan(gamma.getStatus().getReplicas());
    }

    @Test
    void someoneElseEditsADeploymentAfterTheNthWrite() throws Exception {
        set(Map.of("foreign-edit.after-writes", "2", "foreign-edit.deployment", "delta", "foreign-edit.replicas", "5"));
        patchImage("delta", "registry.upshift.local/dataphin/app:5");
        assertThat(Sandbox.get(client, "delta").getSpec().getReplicas()).isEqualTo(2);
        patchImage("delta", "registry.upshift.local/dataphin/app:6");
        await().atMost(Duration.ofSeconds(5)).until(() -> Sandbox.get(client, "delta").getSpec().getReplicas() == 5);
        assertThat(injected("foreign-edits")).isEqualTo(1);
        assertThat(Sandbox.image(client, "delta", "app")).isEqualTo("registry.upshift.local/dataphin/app:6");
    }

    @Test
    void latencyDelaysEveryAnswer() throws Exception {
        set(Map.of("latency", "300ms"));
        long started = System.nanoTime();
        Sandbox.get(client, "alpha");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(injected("delayed")).isPositive();
    }
}
