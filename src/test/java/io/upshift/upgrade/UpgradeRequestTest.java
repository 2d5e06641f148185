package io.upshift.upgrade;

import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Requests that must not start anything: validation, dry run, wrong input. */
class UpgradeRequestTest extends UpshiftTestSupport {

    private boolean imported;

    @BeforeEach
    void importVersions() throws Exception {
        if (imported) {
            return;
        }
        imported = true;
        post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml"));
        post("/api/versions", "application/yaml", example("platform-5.2.0.01.yaml"));
        post("/api/versions", "application/yaml", example("platform-5.1.2.02.yaml"));
    }

    @Test
    void theRiskDisclaimerMustBeAccepted() throws Exception {
        HttpResponse<String> response = postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.04\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(body(response).path("error").asText()).isEqualTo("the risk disclaimer must be accepted");
        assertThat(postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":false}").statusCode())
                .isEqualTo(400);
    }

    @Test
    void anUnknownTargetIs404() throws Exception {
        HttpResponse<String> response = postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.99\",\"acceptRisk\":true}");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(body(response).path("error").asText()).isEqualTo("unknown version");
    }

    @Test
    void theCurrentVersionIsNothingToDo() throws Exception {
        HttpResponse<String> response = postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.02\",\"acceptRisk\":true}");
        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(body(response).path("error").asText()).isEqualTo("already at target version");
    }

    @Test
    void aLowerVersionNeedsAllowDowngrade() throws Exception {
        // every service of 5.1.2.02: one left out would be retired, which a release cannot ask for yet
        post("/api/versions", "application/yaml",
                new String(example("platform-5.1.2.02.yaml")).replace("5.1.2.02", "5.1.1.01").getBytes());
        HttpResponse<String> refused = postJson("/api/upgrades", "{\"targetVersion\":\"5.1.1.01\",\"acceptRisk\":true}");
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(body(refused).path("reasons").get(0).asText()).contains("allowDowngrade");
        HttpResponse<String> planned = postJson("/api/upgrades?dryRun=true",
                "{\"targetVersion\":\"5.1.1.01\",\"acceptRisk\":true,\"allowDowngrade\":true}");
        assertThat(planned.statusCode()).isEqualTo(200);
    }

    @Test
    void aDryRunAnswersThePlanAndChangesNothing() throws Exception {
        HttpResponse<String> response = postJson("/api/upgrades?dryRun=true",
                "{\"targetVersion\":\"5.2.0.01\",\"mode\":\"zero-downtime\",\"acceptRisk\":true}");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode plan = body(response);
        assertThat(plan.path("mode").asText()).isEqualTo("downtime");
        assertThat(plan.path("requestedMode").asText()).isEqualTo("zero-downtime");
        assertThat(plan.path("modeReason").asText()).isEqualTo("5.1.2 → 5.2.0: first three segments differ");
        assertThat(plan.path("services").findValuesAsText("name")).containsExactly("config-center", "auth", "metadata",
                "scheduler", "data-service", "gateway", "web-console");
        assertThat(plan.path("services").get(0).path("fromImage").asText()).endsWith("config-center:5.1.2.02");
        assertThat(plan.path("services").get(0).path("toImage").asText()).endsWith("config-center:5.2.0.01");
        assertThat(plan.path("services").get(0).path("alreadyAtTarget").asBoolean()).isFalse();

        assertThat(body(get("/api/upgrades"))).isEmpty();
        assertThat(body(get("/api/platform")).path("upgradeInProgress").isNull()).isTrue();
        assertThat(image("config-center")).endsWith(":5.1.2.02");
    }

    @Test
    void aCompatibleDryRunIsZeroDowntimeUnlessDowntimeIsAskedFor() throws Exception {
        JsonNode live = body(postJson("/api/upgrades?dryRun=true", "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true}"));
        assertThat(live.path("mode").asText()).isEqualTo("zero-downtime");
        JsonNode asked = body(postJson("/api/upgrades?dryRun=true",
                "{\"targetVersion\":\"5.1.2.04\",\"mode\":\"downtime\",\"acceptRisk\":true}"));
        assertThat(asked.path("mode").asText()).isEqualTo("downtime");
        assertThat(asked.path("modeReason").asText()).contains("downtime upgrade requested");
    }

    @Test
    void malformedOrWronglyTypedRequestsAre400() throws Exception {
        HttpResponse<String> malformed = postJson("/api/upgrades", "{\"targetVersion\": ");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(body(malformed).path("error").asText()).isEqualTo("malformed upgrade request");
        HttpResponse<String> wrongType = postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":[1]}");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(body(wrongType).path("reasons").get(0).asText()).startsWith("acceptRisk: ");
        HttpResponse<String> badMode = postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.04\",\"mode\":\"fast\",\"acceptRisk\":true}");
        assertThat(badMode.statusCode()).isEqualTo(400);
        HttpResponse<String> repeated = postJson("/api/upgrades", "{\"acceptRisk\":false,\"acceptRisk\":true}");
        assertThat(repeated.statusCode()).isEqualTo(400);
        assertThat(body(repeated).path("reasons").get(0).asText()).contains("Duplicate field 'acceptRisk'");
        HttpResponse<String> everything = postJson("/api/upgrades", "{\"targetVersion\":5,\"mode\":\"fast\",\"acceptRisk\":\"yes\"}");
        assertThat(everything.statusCode()).isEqualTo(400);
        assertThat(body(everything).path("reasons")).extracting(JsonNode::asText).containsExactly(
                "targetVersion: must be a string such as \"5.1.2.04\", got a number",
                "mode: \"fast\" is not an upgrade mode (zero-downtime or downtime)",
                "acceptRisk: must be true or false, got a string");
        assertThat(post("/api/upgrades", "text/plain", "x".getBytes()).statusCode()).isEqualTo(415);
    }

    @Test
    void unknownUpgradesAre404() throws Exception {
        assertThat(get("/api/upgrades/upg-nope").statusCode()).isEqualTo(404);
        assertThat(get("/api/upgrades/upg-nope/logs").statusCode()).isEqualTo(404);
        assertThat(postJson("/api/upgrades/upg-nope/stop", "").statusCode()).isEqualTo(404);
    }
}
