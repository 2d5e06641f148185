package io.upshift.upgrade;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.upshift.UpshiftTestSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator actions through HTTP on the sandbox cluster, each checked against the Kubernetes API
 * as well as the record: stop and resume, rollback, force stop and resume, stop of a downtime
 * upgrade while services are down, force stop and mark. In order: each starts where the last left
 * the platform (5.1.2.02 at first).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpgradeActionsTest extends UpshiftTestSupport {

    private static final List<String> SERVICES = List.of("config-center", "auth", "metadata", "scheduler",
            "data-service", "gateway", "web-console");

    private boolean imported;

    private void importVersions() throws Exception {
        if (!imported) {
            imported = true;
            post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml"));
            post("/api/versions", "application/yaml", example("platform-5.2.0.01.yaml"));
        }
    }

    @Test
    @Order(1)
    void stopLetsTheServiceMidRollFinishStartsNothingNewAndResumeFinishesTheRest() throws Exception {
        importVersions();
        slow("data-service", "3s");
        String id = start("5.1.2.04");
        awaitService(id, "data-service", "RUNNING");

        HttpResponse<String> stop = postJson("/api/upgrades/" + id + "/stop", "{\"note\":\"change freeze\"}");
        assertThat(stop.statusCode()).isEqualTo(200);
        assertThat(body(stop).path("state").asText()).isIn("STOPPING", "STOPPED");
        JsonNode stopped = awaitUpgrade(id, "STOPPED");
        Map<String, JsonNode> services = byName(stopped);
        // the service mid-roll finished its step; the ones after it never started
        assertThat(services.get("data-service").path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(services.get("gateway").path("state").asText()).isEqualTo("NOT_STARTED");
        assertThat(image("data-service")).endsWith(":5.1.2.04");
        assertThat(image("gateway")).endsWith(":5.1.2.02");
        assertThat(stopped.path("actions").get(0).path("action").asText()).isEqualTo("stop");
        assertThat(stopped.path("actions").get(0).path("note").asText()).isEqualTo("change freeze");
        assertThat(body(get("/api/platform")).path("upgradeInProgress").isNull()).isTrue();
        assertThat(postJson("/api/upgrades/" + id + "/stop", "").statusCode()).isEqualTo(409);

        HttpResponse<String> resume = postJson("/api/upgrades/" + id + "/resume", "");
        assertThat(resume.statusCode()).isEqualTo(200);
        JsonNode done = awaitUpgrade(id, "SUCCEEDED");
        for (String service : SERVICES) {
            assertThat(image(service)).as(service).endsWith(":5.1.2.04");
        }
        assertThat(done.path("actions").findValuesAsText("action")).containsExactly("stop", "resume");
        String log = get("/api/upgrades/" + id + "/logs").body();
        // finished services are not rolled again
        assertThat(count(log, "config-center: rolling update")).isEqualTo(1);
        assertThat(count(log, "data-service: rolling update")).isEqualTo(1);
        assertThat(log).contains("action stop by test-operator (change freeze): UPGRADING → STOPPING",
                "ended STOPPED", "action resume by test-operator: STOPPED → UPGRADING", "ended SUCCEEDED");
        assertThat(body(get("/api/platform")).path("currentVersion").asText()).isEqualTo("5.1.2.04");
    }

    @Test
    @Order(2)
    void rollbackPutsEveryImageBackThroughANewLinkedUpgrade() throws Exception {
        String original = body(get("/api/upgrades")).get(0).path("id").asText();
        HttpResponse<String> rollback = postJson("/api/upgrades/" + original + "/rollback", "{\"note\":\"bad release\"}");
        assertThat(rollback.statusCode()).isEqualTo(202);
        JsonNode created = body(rollback);
        String id = created.path("id").asText();
        assertThat(id).isNotEqualTo(original);
        assertThat(rollback.headers().firstValue("Location")).hasValue("/api/upgrades/" + id);
        assertThat(created.path("trigger").asText()).isEqualTo("rollback");
        assertThat(created.path("rollbackOf").asText()).isEqualTo(original);
        assertThat(created.path("targetVersion").asText()).isEqualTo("5.1.2.02");

        JsonNode done = awaitUpgrade(id, "SUCCEEDED");
        for (String service : SERVICES) {
            assertThat(image(service)).as(service).endsWith(":5.1.2.02");
        }
        String log = get("/api/upgrades/" + id + "/logs").body();
        // dependents first: web-console before gateway, config-center last
        assertThat(log.indexOf("web-console: rolled from")).isLessThan(log.indexOf("gateway: rolling update"));
        assertThat(log.indexOf("auth: rolled from")).isLessThan(log.indexOf("config-center: rolling update"));
        // the record lists the services in the rollback's order: the one everything depends on last
        assertThat(done.path("services").get(SERVICES.size() - 1).path("name").asText()).isEqualTo("config-center");
        JsonNode originalNow = body(get("/api/upgrades/" + original));
        assertThat(originalNow.path("rolledBackBy").asText()).isEqualTo(id);
        assertThat(originalNow.path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(body(get("/api/platform")).path("currentVersion").asText()).isEqualTo("5.1.2.02");

        HttpResponse<String> again = postJson("/api/upgrades/" + original + "/rollback", "");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(body(again).path("code").asText()).isEqualTo("ACTION_NOT_ALLOWED");
        assertThat(body(again).path("reasons").get(0).asText()).contains("already rolled back by " + id);
    }

    @Test
    @Order(3)
    void forceStopAbandonsAtOnceAndResumeFinishesWithoutRerollingWhatWasDone() throws Exception {
        slow("data-service", "3s");
        String id = start("5.1.2.04");
        awaitService(id, "data-service", "RUNNING");

        JsonNode forced = body(postJson("/api/upgrades/" + id + "/force-stop", ""));
        assertThat(forced.path("state").asText()).isEqualTo("FORCE_STOPPED");
        assertThat(byName(forced).get("data-service").path("state").asText()).isEqualTo("INTERRUPTED");
        assertThat(body(get("/api/platform")).path("upgradeInProgress").isNull()).isTrue();

        assertThat(postJson("/api/upgrades/" + id + "/resume", "").statusCode()).isEqualTo(200);
        JsonNode done = awaitUpgrade(id, "SUCCEEDED");
        assertThat(byName(done).get("data-service").path("state").asText()).isIn("SUCCEEDED", "ALREADY_AT_TARGET");
        for (String service : SERVICES) {
            assertThat(image(service)).as(service).endsWith(":5.1.2.04");
        }
        assertThat(count(get("/api/upgrades/" + id + "/logs").body(), "config-center: rolling update")).isEqualTo(1);
    }

    @Test
    @Order(4)
    void stoppingADowntimeUpgradeWhileServicesAreDownBringsEveryServiceBackAtItsOldImageAndReplicas() throws Exception {
        slow("data-service", "0s");
        slow("config-center", "3s");
        String id = start("5.2.0.01");
        // config-center comes back up at the target slowly: every other service is down meanwhile
        awaitService(id, "web-console", "SCALED_DOWN");
        awaitService(id, "config-center", "RUNNING");
        assertThat(deployment("web-console").getSpec().getReplicas()).isZero();

        assertThat(postJson("/api/upgrades/" + id + "/stop", "").statusCode()).isEqualTo(200);
        JsonNode stopped = awaitUpgrade(id, "STOPPED");
        assertThat(stopped.path("message").asText()).contains("brought back up at their previous version");
        for (String service : SERVICES) {
            Deployment d = deployment(service);
            assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).as(service)
                    .endsWith(":5.1.2.04");
            assertThat(d.getSpec().getReplicas()).as(service + " replicas").isEqualTo(2);
        }
        assertThat(body(get("/api/platform")).path("currentVersion").asText()).isEqualTo("5.1.2.04");
    }

    @Test
    @Order(5)
    void forceStopThenMarkRecordsTheOperatorsVerdict() throws Exception {
        slow("config-center", "3s");
        String id = start("5.2.0.01");
        awaitService(id, "config-center", "RUNNING");
        assertThat(postJson("/api/upgrades/" + id + "/mark", "{\"verdict\":\"failed\"}").statusCode()).isEqualTo(409);
        assertThat(postJson("/api/upgrades/" + id + "/force-stop", "").statusCode()).isEqualTo(200);

        HttpResponse<String> noVerdict = postJson("/api/upgrades/" + id + "/mark", "{\"note\":\"?\"}");
        assertThat(noVerdict.statusCode()).isEqualTo(400);
        assertThat(body(noVerdict).path("code").asText()).isEqualTo("BAD_REQUEST");
        HttpResponse<String> marked = postJson("/api/upgrades/" + id + "/mark",
                "{\"verdict\":\"failed\",\"note\":\"services left down on purpose\"}");
        assertThat(marked.statusCode()).isEqualTo(200);
        assertThat(body(marked).path("state").asText()).isEqualTo("MARKED_FAILED");
        assertThat(body(marked).path("actions").findValuesAsText("action")).containsExactly("force-stop", "mark");
        assertThat(body(get("/api/platform")).path("currentVersion").asText()).isEqualTo("5.1.2.04");
        assertThat(postJson("/api/upgrades/" + id + "/mark", "{\"verdict\":\"succeeded\"}").statusCode()).isEqualTo(409);
        assertThat(postJson("/api/upgrades/" + id + "/resume", "").statusCode()).isEqualTo(409);

        // its rollback brings the platform back to where it started, downtime as it went
        String rollback = body(postJson("/api/upgrades/" + id + "/rollback", "")).path("id").asText();
        awaitUpgrade(rollback, "SUCCEEDED");
        for (String service : SERVICES) {
            assertThat(image(service)).as(service).endsWith(":5.1.2.04");
            assertThat(deployment(service).getSpec().getReplicas()).isEqualTo(2);
        }
    }

    @Test
    @Order(6)
    void actionsAreForOperatorsAndUnknownOnesAre404() throws Exception {
        String id = body(get("/api/upgrades")).get(0).path("id").asText();
        HttpResponse<String> viewer = send(VIEWER, postRequest("/api/upgrades/" + id + "/rollback", "application/json",
                new byte[0]).header("X-Requested-With", "XMLHttpRequest"));
        assertThat(viewer.statusCode()).isIn(401, 403);
        HttpResponse<String> unknown = postJson("/api/upgrades/" + id + "/explode", "");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(body(unknown).path("code").asText()).isEqualTo("UNKNOWN_ACTION");
        assertThat(body(postJson("/api/upgrades/upg-nope/resume", "")).path("code").asText()).isEqualTo("UNKNOWN_UPGRADE");
        assertThat(postJson("/api/upgrades/" + id + "/mark", "{not json").statusCode()).isEqualTo(400);
    }

    private String start(String version) throws Exception {
        HttpResponse<String> accepted = postJson("/api/upgrades", "{\"targetVersion\":\"" + version + "\",\"acceptRisk\":true}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        return body(accepted).path("id").asText();
    }

    private void slow(String deployment, String delay) {
        kubernetes().apps().deployments().inNamespace("platform").withName(deployment).edit(d -> {
            d.getMetadata().getAnnotations().put("upshift.io/readiness-delay", delay);
            return d;
        });
    }

    private Deployment deployment(String name) {
        return kubernetes().apps().deployments().inNamespace("platform").withName(name).get();
    }

    private void awaitService(String id, String service, String state) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> byName(body(get("/api/upgrades/" + id))).get(service).path("state").asText().equals(state));
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    private static Map<String, JsonNode> byName(JsonNode record) {
        Map<String, JsonNode> services = new LinkedHashMap<>();
        record.path("services").forEach(s -> services.put(s.path("name").asText(), s));
        return services;
    }
}
