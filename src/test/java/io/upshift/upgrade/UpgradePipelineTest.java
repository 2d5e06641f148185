package io.upshift.upgrade;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole upgrades on the sandbox cluster through the real HTTP API: 5.1.2.02 → 5.1.2.04 live, then
 * 5.1.2.04 → 5.2.0.01 with downtime. The tests run in order: each starts where the last left the platform.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpgradePipelineTest extends UpshiftTestSupport {

    private static final List<String> SERVICES = List.of("config-center", "auth", "metadata", "scheduler",
            "data-service", "gateway", "web-console");

    private boolean imported;

    @BeforeEach
    void importVersions() throws Exception {
        if (!imported) {
            imported = true;
            post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml"));
            post("/api/versions", "application/yaml", example("platform-5.2.0.01.yaml"));
        }
    }

    @Test
    @Order(1)
    void aCompatibleUpgradeRollsEveryServiceWithZeroDowntime() throws Exception {
        HttpResponse<String> accepted = postJson("/api/upgrades",
                "{\"targetVersion\":\"5.1.2.04\",\"mode\":\"zero-downtime\",\"acceptRisk\":true,\"requestedBy\":\"ops\"}",
                "Idempotency-Key", "change-1234");
        assertThat(accepted.statusCode()).isEqualTo(202);
        String id = body(accepted).path("id").asText();
        assertThat(accepted.headers().firstValue("Location")).hasValue("/api/upgrades/" + id);
        assertThat(body(accepted).path("trigger").asText()).isEqualTo("http");
        // the authenticated caller, not what the body claims
        assertThat(body(accepted).path("requestedBy").asText()).isEqualTo("test-operator");

        JsonNode done = awaitUpgrade(id, "SUCCEEDED");
        assertThat(done.path("mode").asText()).isEqualTo("zero-downtime");
        assertThat(done.path("progress").path("percent").asInt()).isEqualTo(100);
        assertThat(done.path("progress").path("completed").asInt()).isEqualTo(7);
        for (JsonNode service : done.path("services")) {
            assertThat(service.path("state").asText()).isEqualTo("SUCCEEDED");
            // the evidence of zero downtime: never fewer available replicas than desired
            assertThat(service.path("minAvailable").asInt()).isEqualTo(service.path("replicas").asInt()).isEqualTo(2);
            // one rolling pass, the service's own start to finish: what the console's timeline draws
            assertThat(service.path("phases")).hasSize(1);
            assertThat(service.path("phases").get(0).path("kind").asText()).isEqualTo("ROLLING");
            assertThat(service.path("phases").get(0).path("startedAt")).isEqualTo(service.path("startedAt"));
            assertThat(service.path("phases").get(0).path("finishedAt")).isEqualTo(service.path("finishedAt"));
        }
        for (String service : SERVICES) {
            assertThat(image(service)).endsWith(":5.1.2.04");
        }
        assertThat(body(get("/api/platform")).path("currentVersion").asText()).isEqualTo("5.1.2.04");
        assertThat(body(get("/api/platform")).path("upgradeInProgress").isNull()).isTrue();

        // services start in dependency order: a service starts only after all it depends on finished
        for (JsonNode service : done.path("services")) {
            for (JsonNode dependency : service.path("dependsOn")) {
                JsonNode dep = done.path("services").findParents("name").stream()
                        .filter(s -> s.path("name").asText().equals(dependency.asText())).findFirst().orElseThrow();
                assertThat(java.time.Instant.parse(service.path("startedAt").asText()))
                        .isAfterOrEqualTo(java.time.Instant.parse(dep.path("finishedAt").asText()));
            }
        }

        // a retried request with the same Idempotency-Key gets the same upgrade back
        HttpResponse<String> retried = postJson("/api/upgrades",
                "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true}", "Idempotency-Key", "change-1234");
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(body(retried).path("id").asText()).isEqualTo(id);
    }

    @Test
    @Order(2)
    void theLogTellsTheWholeStoryAndCanBeFollowed() throws Exception {
        String id = body(get("/api/upgrades")).get(0).path("id").asText();
        HttpResponse<String> all = get("/api/upgrades/" + id + "/logs");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        String[] lines = all.body().split("\n");
        assertThat(lines[0]).matches("1 \\d{4}-\\d\\d-\\d\\dT.* request accepted \\(http, by test-operator\\): 5.1.2.02 → 5.1.2.04, 7 services");
        assertThat(all.body()).contains("mode: zero-downtime", "config-center: rolling update to",
                "web-console: rolled from", "ended SUCCEEDED");
        String after = get("/api/upgrades/" + id + "/logs?after=" + (lines.length - 2)).body();
        assertThat(after.split("\n")).hasSize(2);
        assertThat(after).startsWith((lines.length - 1) + " ");
        assertThat(get("/api/upgrades/" + id + "/logs?after=" + lines.length).body()).isEmpty();
    }

    @Test
    @Order(3)
    void ofTwentyConcurrentRequestsExactlyOneStartsAndAnIncompatibleOneRunsWithDowntime() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                    return postJson("/api/upgrades", "{\"targetVersion\":\"5.2.0.01\",\"acceptRisk\":true}");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, pool));
        }
        go.countDown();
        List<HttpResponse<String>> responses = answers.stream().map(CompletableFuture::join).toList();
        pool.shutdown();
        List<HttpResponse<String>> started = responses.stream().filter(r -> r.statusCode() == 202).toList();
        assertThat(started).hasSize(1);
        String id = body(started.get(0)).path("id").asText();
        for (HttpResponse<String> r : responses) {
            if (r.statusCode() != 202) {
                // a loser either met the lock, or (if the winner already ended) found nothing to do
                assertThat(r.statusCode()).isEqualTo(409);
                JsonNode conflict = body(r);
                if (conflict.path("error").asText().equals("an upgrade is in progress")) {
                    assertThat(conflict.path("upgrade").asText()).isEqualTo(id);
                }
            }
        }

        JsonNode done = awaitUpgrade(id, "SUCCEEDED");
        assertThat(done.path("mode").asText()).isEqualTo("downtime");
        assertThat(done.path("requestedMode").asText()).isEqualTo("zero-downtime");
        assertThat(done.path("modeReason").asText()).isEqualTo("5.1.2 → 5.2.0: first three segments differ");
        for (String service : SERVICES) {
            assertThat(image(service)).endsWith(":5.2.0.01");
            assertThat(kubernetes().apps().deployments().inNamespace("platform").withName(service).get().getSpec()
                    .getReplicas()).isEqualTo(2);
        }
        // each service went down, then up: two phases; every service was down before any came back up
        java.time.Instant lastDown = java.time.Instant.MIN;
        java.time.Instant firstUp = java.time.Instant.MAX;
        for (JsonNode service : done.path("services")) {
            JsonNode phases = service.path("phases");
            assertThat(phases).hasSize(2);
            assertThat(phases.get(0).path("kind").asText()).isEqualTo("SCALE_DOWN");
            assertThat(phases.get(1).path("kind").asText()).isEqualTo("SCALE_UP");
            assertThat(phases.get(0).path("startedAt")).isEqualTo(service.path("startedAt"));
            assertThat(phases.get(1).path("finishedAt")).isEqualTo(service.path("finishedAt"));
            java.time.Instant down = java.time.Instant.parse(phases.get(0).path("finishedAt").asText());
            java.time.Instant up = java.time.Instant.parse(phases.get(1).path("startedAt").asText());
            lastDown = down.isAfter(lastDown) ? down : lastDown;
            firstUp = up.isBefore(firstUp) ? up : firstUp;
        }
        assertThat(firstUp).isAfterOrEqualTo(lastDown);
        String log = get("/api/upgrades/" + id + "/logs").body();
        // scaled down in reverse dependency order: web-console before gateway, config-center last
        assertThat(log.indexOf("web-console: scaled down")).isLessThan(log.indexOf("gateway: scaling down"));
        assertThat(log.indexOf("metadata: scaled down")).isLessThan(log.indexOf("config-center: scaling down"));
        // and up in dependency order
        assertThat(log.indexOf("config-center: rolled with downtime") + log.indexOf("config-center: rolled from"))
                .isLessThan(log.indexOf("auth: scaling up") + 1);
        assertThat(body(get("/api/platform")).path("currentVersion").asText()).isEqualTo("5.2.0.01");
    }

    @Test
    @Order(4)
    void theRecordListsUpgradesNewestFirst() throws Exception {
        JsonNode list = body(get("/api/upgrades"));
        assertThat(list).hasSize(2);
        assertThat(list.get(0).path("targetVersion").asText()).isEqualTo("5.2.0.01");
        assertThat(list.get(1).path("targetVersion").asText()).isEqualTo("5.1.2.04");
        assertThat(body(get("/api/upgrades?page=2&size=1")).get(0).path("targetVersion").asText()).isEqualTo("5.1.2.04");
    }
}
