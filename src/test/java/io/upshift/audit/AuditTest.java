package io.upshift.audit;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/** Every state-changing call lands in the audit trail with its caller and outcome; only operators read it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // one trail for both: the exact list first
class AuditTest extends UpshiftTestSupport {

    @Test
    @Order(1)
    void everyStateChangingCallIsARowWithItsCallerAndOutcome() throws Exception {
        // the users file's two users, audited as added at start (UsersFileAudit), come before
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> body(get("/api/audit?action=user.add")).size() == 2);
        Instant before = Instant.now();
        assertThat(post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml")).statusCode()).isEqualTo(201);
        assertThat(post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml")).statusCode()).isEqualTo(200);
        assertThat(post("/api/versions", "application/yaml", "kind: [".getBytes()).statusCode()).isEqualTo(400);
        assertThat(postJson("/api/upgrades?dryRun=true", "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true}").statusCode())
                .isEqualTo(200);
        HttpResponse<String> accepted = postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        String id = body(accepted).path("id").asText();
        awaitUpgrade(id, "SUCCEEDED");
        assertThat(postJson("/api/upgrades/" + id + "/stop", "{}").statusCode()).isEqualTo(409);
        String at = OffsetDateTime.now(ZoneOffset.UTC).plusDays(2).truncatedTo(ChronoUnit.SECONDS).toString();
        HttpResponse<String> schedule = postJson("/api/schedules",
                "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true,\"at\":\"" + at + "\",\"allowDowngrade\":true}");
        String scheduleId = body(schedule).path("id").asText();
        assertThat(delete("/api/schedules/" + scheduleId).statusCode()).isEqualTo(204);
        assertThat(postJson("/api/tokens", "{\"name\":\"ci\",\"role\":\"viewer\"}").statusCode()).isEqualTo(201);
        assertThat(delete("/api/tokens/ci").statusCode()).isEqualTo(200);
        assertThat(http.send(HttpRequest.newBuilder(uri("/api/platform")).header("Authorization", basic(VIEWER, "wrong"))
                .GET().build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);

        JsonNode rows = body(get("/api/audit?since=" + before));
        List<String> actions = rows.findValuesAsText("action");
        // newest first
        assertThat(actions).containsExactly("login", "token.revoke", "token.create", "schedule.delete", "schedule.create",
                "upgrade.stop", "upgrade.request", "version.import", "version.overwrite", "version.import");
        assertThat(rows.findValuesAsText("outcome")).containsExactly("UNAUTHORIZED", "ACCEPTED", "ACCEPTED", "ACCEPTED",
                "ACCEPTED", "ACTION_NOT_ALLOWED", "ACCEPTED", "MALFORMED", "ACCEPTED", "ACCEPTED");
        assertThat(rows.get(0).path("user").asText()).isEqualTo(VIEWER);
        assertThat(rows.get(0).path("role").isNull()).isTrue();
        for (JsonNode row : rows) {
            assertThat(row.path("address").asText()).isEqualTo("127.0.0.1");
            if (!row.path("action").asText().equals("login")) {
                assertThat(row.path("user").asText()).isEqualTo(OPERATOR);
                assertThat(row.path("role").asText()).isEqualTo("operator");
            }
        }
        assertThat(rows.get(1).path("object").asText()).isEqualTo("ci");
        assertThat(rows.get(3).path("object").asText()).isEqualTo(scheduleId);
        assertThat(rows.get(5).path("object").asText()).isEqualTo(id);
        assertThat(rows.get(5).path("status").asInt()).isEqualTo(409);
        assertThat(rows.get(6).path("object").asText()).isEqualTo(id);
        assertThat(rows.get(8).path("object").asText()).as("version.overwrite").isEqualTo("5.1.2.04");
        assertThat(rows.get(9).path("object").asText()).as("version.import").isEqualTo("5.1.2.04");

        // filters
        assertThat(body(get("/api/audit?since=" + before + "&action=upgrade.stop")).findValuesAsText("object")).containsExactly(id);
        assertThat(body(get("/api/audit?user=" + VIEWER)).findValuesAsText("action")).containsExactly("login");
        assertThat(body(get("/api/audit?since=" + before + "&size=2&page=2")).findValuesAsText("action"))
                .containsExactly("token.create", "schedule.delete");
        assertThat(get("/api/audit?since=yesterday").statusCode()).isEqualTo(400);
        assertThat(get("/api/audit?page=0").statusCode()).isEqualTo(400);
        assertThat(get("/api/audit?size=201").statusCode()).isEqualTo(400);
        assertThat(get("/api/audit?page=1000001").statusCode()).isEqualTo(400);
        // operators only; and a header or query parameter cannot pass for the authenticated user
        assertThat(send(VIEWER, HttpRequest.newBuilder(uri("/api/audit")).GET()).statusCode()).isEqualTo(403);
        assertThat(send(VIEWER, HttpRequest.newBuilder(uri("/api/audit?CamelVertxPlatformHttpAuthenticatedUser=x"))
                .header("CamelVertxPlatformHttpAuthenticatedUser", OPERATOR).GET()).statusCode()).isEqualTo(403);
    }

    /**
     * A query parameter named like a path parameter is dropped only on the routes that have that path
     * parameter: it never changes the path's value there, and stays a plain parameter elsewhere.
     */
    @Test
    @Order(2)
    void queryParametersNamedLikePathParametersNeverReplaceThePath() throws Exception {
        HttpResponse<String> read = get("/api/upgrades/upg-path?id=upg-query");
        assertThat(read.statusCode()).isEqualTo(404);
        assertThat(body(read).path("reasons").get(0).asText()).contains("upg-path").doesNotContain("upg-query");
        // ?action=cancel on .../stop: still a stop of the path's upgrade, audited as upgrade.stop
        HttpResponse<String> stop = postJson("/api/upgrades/upg-path/stop?action=cancel&id=upg-query", "{}");
        assertThat(stop.statusCode()).isEqualTo(404);
        JsonNode rows = body(get("/api/audit?user=" + OPERATOR + "&size=1"));
        assertThat(rows.get(0).path("action").asText()).isEqualTo("upgrade.stop");
        assertThat(rows.get(0).path("object").asText()).isEqualTo("upg-path");
        assertThat(rows.get(0).path("outcome").asText()).isEqualTo("UNKNOWN_UPGRADE");
        // on /api/audit, action is a filter (the route has no path parameters)
        assertThat(body(get("/api/audit?action=upgrade.stop")).findValuesAsText("object")).contains("upg-path");
        assertThat(body(get("/api/audit?action=upgrade.cancel")).size()).isZero();
        // and the notifications' deliveries are paged as everything else
        assertThat(get("/api/notifications/deliveries?size=0").statusCode()).isEqualTo(400);
        assertThat(get("/api/notifications/deliveries?page=2&size=200").statusCode()).isEqualTo(200);
    }

    /** Files dropped into the inbox change state too: audited with the account that owns them, from "inbox". */
    @Test
    @Order(3)
    void inboxFilesAreRowsWithTheirOwnerAndOutcome() throws Exception {
        Instant before = Instant.now();
        String owner = java.nio.file.Files.getOwner(java.nio.file.Path.of(".")).getName(); // the files this test writes
        drop("v06.yaml", new String(example("platform-5.1.2.04.yaml")).replace("5.1.2.04", "5.1.2.06").getBytes());
        drop("broken.yaml", "kind: [".getBytes());

        JsonNode rows = body(get("/api/audit?since=" + before));
        assertThat(rows.findValuesAsText("action")).containsExactly("version.import", "version.import");
        assertThat(rows.findValuesAsText("outcome")).containsExactly("MALFORMED", "ACCEPTED");
        assertThat(rows.get(1).path("object").asText()).isEqualTo("5.1.2.06");
        assertThat(rows.get(0).path("object").asText()).isEqualTo("broken.yaml");
        for (JsonNode row : rows) {
            assertThat(row.path("user").asText()).isEqualTo(owner);
            assertThat(row.path("address").asText()).isEqualTo("inbox");
            assertThat(row.path("role").isNull()).isTrue();
        }
    }
}
