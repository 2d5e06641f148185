package io.upshift.cluster;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.UpshiftTestSupport;
import org.apache.camel.impl.event.CamelContextStoppingEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The handover of one process, through HTTP on the sandbox: what Camel's shutdown raises first
 * ({@code CamelContextStopping}) turns the process not ready and refuses new work at once, lets the
 * step in flight finish and record itself, starts nothing new, and frees the platform lock with the
 * upgrade still UPGRADING, for another replica to resume (HandoverIT shows that part with two processes).
 */
class HandoverTest extends UpshiftTestSupport {

    @Test
    void aStoppingReplicaTurnsNotReadyRefusesNewWorkLetsTheStepInFlightFinishAndFreesTheLock() throws Exception {
        post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml"));
        kubernetes().apps().deployments().inNamespace("platform").withName("data-service").edit(d -> {
            d.getMetadata().getAnnotations().put("upshift.io/readiness-delay", "2s");
            return d;
        });
        HttpResponse<String> accepted = postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = body(accepted).path("id").asText();
        await("data-service rolling").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .until(() -> services(id).get("data-service").path("state").asText().equals("RUNNING"));

        Handover handover = context.getRegistry().lookupByNameAndType("handover", Handover.class);
        CompletableFuture<Void> handingOver = CompletableFuture.runAsync(() -> {
            try {
                handover.notify(new CamelContextStoppingEvent(context));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await("not ready").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> send(null, HttpRequest.newBuilder(uri("/observe/health/ready")).GET()).statusCode() == 503);
        HttpResponse<String> another = postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true}");
        assertThat(another.statusCode()).as(another.body()).isEqualTo(503);
        assertThat(body(another).path("code").asText()).isEqualTo("SHUTTING_DOWN");
        HttpResponse<String> stop = postJson("/api/upgrades/" + id + "/stop", "");
        assertThat(stop.statusCode()).as(stop.body()).isEqualTo(503);
        assertThat(body(stop).path("code").asText()).isEqualTo("SHUTTING_DOWN");

        handingOver.get(30, TimeUnit.SECONDS);
        JsonNode record = body(get("/api/upgrades/" + id));
        assertThat(record.path("state").asText()).isEqualTo("UPGRADING");
        Map<String, JsonNode> services = services(id);
        // the step in flight finished and was recorded; its dependents never started here
        assertThat(services.get("data-service").path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(services.get("gateway").path("state").asText()).isEqualTo("PENDING");
        assertThat(image("data-service")).endsWith(":5.1.2.04");
        assertThat(image("gateway")).endsWith(":5.1.2.02");
        assertThat(body(get("/api/platform")).path("upgradeInProgress").isNull()).as("the lock is free").isTrue();
        assertThat(get("/api/upgrades/" + id + "/logs").body())
                .contains("is shutting down: it hands the upgrade over (UPGRADING ROLLING); another replica resumes it");
    }

    private Map<String, JsonNode> services(String id) throws Exception {
        Map<String, JsonNode> services = new LinkedHashMap<>();
        body(get("/api/upgrades/" + id)).path("services").forEach(s -> services.put(s.path("name").asText(), s));
        return services;
    }
}
