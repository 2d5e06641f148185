package io.upshift.upgrade;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/** Upgrades that do not go to plan: a failed verification, a service that never becomes ready, and a force stop. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpgradeFailureTest extends UpshiftTestSupport {

    @Override
    protected Properties settings() {
        Properties p = new Properties();
        p.setProperty("upshift.sandbox.progress-deadline-seconds", "1");
        p.setProperty("upshift.rollout.deadline-grace", "500ms");
        return p;
    }

    /**
     * Every service rolled, then a verification check fails: with rollback-on-failure (the default)
     * the whole set goes back, in reverse order, and the record keeps the check's output.
     */
    @Test
    @Order(1)
    void aFailedVerificationRollsEveryServiceBack() throws Exception {
        kubernetes().apps().deployments().inNamespace("platform").withName("web-console").edit(d -> {
            d.getMetadata().getAnnotations().put("upshift.io/proxy-status", "/healthz=503");
            return d;
        });
        String version = new String(example("platform-5.1.2.04.yaml")).replace("5.1.2.04", "5.1.2.06")
                .replace("    container: console\n", "    container: console\n    verify:\n      httpGet: {path: /healthz, port: 8080, attempts: 1}\n");
        assertThat(version).contains("verify:");
        assertThat(post("/api/versions", "application/yaml", version.getBytes()).statusCode()).isEqualTo(201);

        HttpResponse<String> accepted = postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.06\",\"acceptRisk\":true}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = body(accepted).path("id").asText();

        JsonNode ended = awaitUpgrade(id, "ROLLED_BACK");
        assertThat(ended.path("message").asText()).startsWith("verification failed: web-console: httpGet /healthz on port 8080: answered 503")
                .endsWith("every changed service was rolled back");
        assertThat(ended.path("verification").path("services").get(0).path("checks").get(0).path("result").asText())
                .isEqualTo("fail");
        Map<String, JsonNode> services = byName(ended);
        assertThat(services).hasSize(7);
        for (Map.Entry<String, JsonNode> service : services.entrySet()) {
            assertThat(service.getValue().path("state").asText()).as(service.getKey()).isEqualTo("ROLLED_BACK");
            JsonNode phases = service.getValue().path("phases");
            assertThat(phases.get(phases.size() - 1).path("kind").asText()).isEqualTo("ROLLBACK");
            assertThat(image(service.getKey())).endsWith(":5.1.2.02");
        }
        String log = get("/api/upgrades/" + id + "/logs").body();
        assertThat(log).contains("web-console: verify httpGet /healthz on port 8080: fail",
                "rolling back the services already changed, in reverse order", "ended ROLLED_BACK");
        // the rollback runs in reverse dependency order: web-console first, config-center last
        assertThat(log.indexOf("web-console: rolled back")).isLessThan(log.indexOf("config-center: rolled back"));
        JsonNode platform = body(get("/api/platform"));
        assertThat(platform.path("currentVersion").asText()).isEqualTo("5.1.2.02");
        assertThat(platform.path("upgradeInProgress").isNull()).isTrue();

        kubernetes().apps().deployments().inNamespace("platform").withName("web-console").edit(d -> {
            d.getMetadata().getAnnotations().remove("upshift.io/proxy-status");
            return d;
        });
    }

    @Test
    @Order(2)
    void aFailedServiceStopsNewStartsAndTheChangedServicesAreRolledBack() throws Exception {
        String broken = new String(example("platform-5.1.2.04.yaml")).replace("5.1.2.04", "5.1.2.03")
                .replace("gateway:5.1.2.03", "gateway:broken-5.1.2.03");
        assertThat(post("/api/versions", "application/yaml", broken.getBytes()).statusCode()).isEqualTo(201);

        HttpResponse<String> accepted = postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.03\",\"acceptRisk\":true}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        String id = body(accepted).path("id").asText();

        JsonNode ended = awaitUpgrade(id, "ROLLED_BACK");
        assertThat(ended.path("message").asText()).startsWith("gateway: ").contains("progress deadline")
                .endsWith("every changed service was rolled back");
        Map<String, JsonNode> services = byName(ended);
        assertThat(services.get("gateway").path("state").asText()).isEqualTo("ROLLED_BACK");
        assertThat(services.get("web-console").path("state").asText()).isEqualTo("NOT_STARTED");
        assertThat(services.get("config-center").path("state").asText()).isEqualTo("ROLLED_BACK");
        // the timeline's evidence: config-center rolled forward, then back once gateway had failed
        JsonNode phases = services.get("config-center").path("phases");
        assertThat(phases).hasSize(2);
        assertThat(phases.get(0).path("kind").asText()).isEqualTo("ROLLING");
        assertThat(phases.get(1).path("kind").asText()).isEqualTo("ROLLBACK");
        assertThat(java.time.Instant.parse(phases.get(1).path("startedAt").asText()))
                .isAfterOrEqualTo(java.time.Instant.parse(services.get("gateway").path("phases").get(0).path("finishedAt").asText()));
        assertThat(phases.get(1).path("finishedAt")).isEqualTo(services.get("config-center").path("finishedAt"));
        assertThat(services.get("web-console").path("phases")).isEmpty();
        for (String service : services.keySet()) {
            assertThat(image(service)).endsWith(":5.1.2.02");
        }
        assertThat(get("/api/upgrades/" + id + "/logs").body()).contains("gateway: FAILED: ",
                "rolling back the services already changed, in reverse order", "config-center: rolled back",
                "ended ROLLED_BACK");
        JsonNode platform = body(get("/api/platform"));
        assertThat(platform.path("currentVersion").asText()).isEqualTo("5.1.2.02");
        assertThat(platform.path("upgradeInProgress").isNull()).isTrue();
    }

    @Test
    @Order(3)
    void aForceStopStartsNothingNewReleasesTheLockAndShowsWhereEachServiceIs() throws Exception {
        post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml"));
        // data-service takes long to become ready: the upgrade is still running when it is stopped
        kubernetes().apps().deployments().inNamespace("platform").withName("data-service")
                .edit(d -> {
                    d.getMetadata().getAnnotations().put("upshift.io/readiness-delay", "20s");
                    return d;
                });
        String id = body(postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true}")).path("id").asText();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(
                () -> byName(body(get("/api/upgrades/" + id))).get("data-service").path("state").asText().equals("RUNNING"));

        // the configuration of the version being rolled out cannot be overwritten meanwhile
        HttpResponse<String> overwrite = post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml"));
        assertThat(overwrite.statusCode()).isEqualTo(409);
        assertThat(body(overwrite).path("upgrade").asText()).isEqualTo(id);

        HttpResponse<String> stopped = postJson("/api/upgrades/" + id + "/force-stop", "{\"note\":\"stuck\"}");
        assertThat(stopped.statusCode()).isEqualTo(200);
        JsonNode record = body(stopped);
        assertThat(record.path("state").asText()).isEqualTo("FORCE_STOPPED");
        assertThat(record.path("message").asText()).startsWith("force stopped by test-operator");
        assertThat(record.path("actions").get(0).path("action").asText()).isEqualTo("force-stop");
        assertThat(record.path("actions").get(0).path("note").asText()).isEqualTo("stuck");
        assertThat(record.path("actions").get(0).path("fromState").asText()).isEqualTo("UPGRADING");
        Map<String, JsonNode> services = byName(record);
        assertThat(services.get("config-center").path("state").asText()).isEqualTo("SUCCEEDED");
        // the service mid-roll is left as it is, and the record says at which image and replicas
        assertThat(services.get("data-service").path("state").asText()).isEqualTo("INTERRUPTED");
        assertThat(services.get("data-service").path("observedImage").asText()).endsWith("data-service:5.1.2.04");
        assertThat(services.get("data-service").path("replicas").asInt()).isEqualTo(2);
        assertThat(services.get("gateway").path("state").asText()).isEqualTo("NOT_STARTED");
        assertThat(services.get("gateway").path("message").asText()).contains("gateway:5.1.2.02");
        assertThat(image("gateway")).endsWith(":5.1.2.02");
        assertThat(body(get("/api/platform")).path("upgradeInProgress").isNull()).isTrue();
        HttpResponse<String> again = postJson("/api/upgrades/" + id + "/force-stop", "");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(body(again).path("code").asText()).isEqualTo("ACTION_NOT_ALLOWED");
        assertThat(get("/api/upgrades/" + id + "/logs").body()).contains("ended FORCE_STOPPED: force stopped",
                "action force-stop by test-operator (stuck): UPGRADING → FORCE_STOPPED");
        assertThat(post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml")).statusCode()).isEqualTo(200);
    }

    private static Map<String, JsonNode> byName(JsonNode record) {
        Map<String, JsonNode> services = new java.util.LinkedHashMap<>();
        record.path("services").forEach(s -> services.put(s.path("name").asText(), s));
        return services;
    }
}
