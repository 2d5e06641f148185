package io.upshift.upgrade;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Accepted upgrades wait an hour in PENDING here ({@code upshift.upgrade.start-delay}): cancel and
 * stop before any service changed, and the actions a PENDING upgrade refuses, with their code.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpgradeCancelTest extends UpshiftTestSupport {

    private static final List<String> SERVICES = List.of("config-center", "auth", "metadata", "scheduler",
            "data-service", "gateway", "web-console");

    @Override
    protected Properties settings() {
        Properties p = new Properties();
        p.setProperty("upshift.upgrade.start-delay", "1h");
        return p;
    }

    @Test
    @Order(1)
    void cancelEndsAPendingUpgradeAndChangesNothing() throws Exception {
        post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml"));
        String id = body(postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true}")).path("id").asText();
        assertThat(body(get("/api/upgrades/" + id)).path("state").asText()).isEqualTo("PENDING");
        assertThat(body(get("/api/upgrades/" + id)).path("services").get(0).path("message").asText())
                .isEqualTo("waiting for the upgrade to start");
        assertThat(body(get("/api/platform")).path("upgradeInProgress").asText()).isEqualTo(id);

        for (String action : List.of("resume", "rollback", "mark")) {
            HttpResponse<String> refused = postJson("/api/upgrades/" + id + "/" + action, "{\"verdict\":\"failed\"}");
            assertThat(refused.statusCode()).as(action).isEqualTo(409);
            JsonNode why = body(refused);
            assertThat(why.path("code").asText()).isEqualTo("ACTION_NOT_ALLOWED");
            assertThat(why.path("state").asText()).isEqualTo("PENDING");
            assertThat(why.path("reasons").get(0).asText()).startsWith("cannot " + action + " upgrade " + id + ": it is PENDING");
        }

        HttpResponse<String> cancelled = postJson("/api/upgrades/" + id + "/cancel", "{\"note\":\"wrong window\"}");
        assertThat(cancelled.statusCode()).isEqualTo(200);
        JsonNode record = body(cancelled);
        assertThat(record.path("state").asText()).isEqualTo("CANCELLED");
        assertThat(record.path("services").findValuesAsText("state")).containsOnly("NOT_STARTED");
        assertThat(record.path("actions").get(0).path("note").asText()).isEqualTo("wrong window");
        for (String service : SERVICES) {
            assertThat(image(service)).endsWith(":5.1.2.02");
        }
        assertThat(body(get("/api/platform")).path("upgradeInProgress").isNull()).isTrue();
        assertThat(postJson("/api/upgrades/" + id + "/cancel", "").statusCode()).isEqualTo(409);
    }

    @Test
    @Order(2)
    void stopBeforeAnythingChangedEndsStoppedAndTheNextUpgradeMayStart() throws Exception {
        String id = body(postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true}")).path("id").asText();
        HttpResponse<String> second = postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true}");
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(body(second).path("code").asText()).isEqualTo("UPGRADE_IN_PROGRESS");
        JsonNode stopped = body(postJson("/api/upgrades/" + id + "/stop", ""));
        assertThat(stopped.path("state").asText()).isEqualTo("STOPPED");
        assertThat(stopped.path("message").asText()).isEqualTo("stopped by test-operator before any service changed");
        assertThat(postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true}").statusCode())
                .isEqualTo(202);
    }
}
