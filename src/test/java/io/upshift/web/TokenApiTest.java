package io.upshift.web;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.UpshiftTestSupport;
import io.upshift.schedule.ShiftedClock;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** API tokens through real HTTP: create, use, list, revoke, expiry, and the role ceiling. */
class TokenApiTest extends UpshiftTestSupport {

    private ShiftedClock clock;

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.unbind("clock");
        registry.bind("clock", Clock.class, clock());
    }

    private ShiftedClock clock() {
        if (clock == null) {
            clock = new ShiftedClock();
        }
        return clock;
    }

    private JsonNode create(String user, String request) throws Exception {
        HttpResponse<String> created = send(user, postRequest("/api/tokens", "application/json", request.getBytes()));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return body(created);
    }

    private HttpResponse<String> withToken(String token, HttpRequest.Builder request) throws Exception {
        return http.send(request.header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> getWith(String token, String path) throws Exception {
        return withToken(token, HttpRequest.newBuilder(uri(path)));
    }

    @Test
    void aTokenIsShownOnceWorksAsItsOwnerIsListedWithoutItsSecretAndStopsAtOnceWhenRevoked() throws Exception {
        JsonNode created = create(OPERATOR, "{\"name\":\"ci-deploy\",\"role\":\"operator\",\"expiresInDays\":30}");
        String token = created.path("token").asText();
        assertThat(token).startsWith("upshift_");
        assertThat(token.length() - "upshift_".length()).isGreaterThanOrEqualTo(43); // 32 bytes, base64url
        assertThat(created.path("owner").asText()).isEqualTo(OPERATOR);
        assertThat(Duration.between(Instant.parse(created.path("createdAt").asText()),
                Instant.parse(created.path("expiresAt").asText()))).isEqualTo(Duration.ofDays(30));

        assertThat(getWith(token, "/api/versions").statusCode()).isEqualTo(200);
        HttpResponse<String> upload = withToken(token, postRequest("/api/versions", "application/yaml",
                example("platform-5.1.2.04.yaml")));
        assertThat(upload.statusCode()).as(upload.body()).isIn(200, 201);
        // the routes see who called: the owner and the token
        HttpResponse<String> started = withToken(token, postRequest("/api/upgrades?dryRun=true", "application/json",
                "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true}".getBytes()));
        assertThat(started.statusCode()).as(started.body()).isEqualTo(200);

        HttpResponse<String> listed = get("/api/tokens");
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).doesNotContain(token).doesNotContain("sha256").doesNotContain("\"token\"");
        JsonNode row = find(body(listed), "ci-deploy");
        assertThat(row.path("role").asText()).isEqualTo("operator");
        assertThat(row.path("owner").asText()).isEqualTo(OPERATOR);
        assertThat(row.path("expiresAt").asText()).isEqualTo(created.path("expiresAt").asText());
        assertThat(row.path("lastUsedAt").isNull()).isFalse();

        HttpResponse<String> revoked = delete("/api/tokens/ci-deploy");
        assertThat(revoked.statusCode()).isEqualTo(200);
        HttpResponse<String> refused = getWith(token, "/api/versions");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                v -> assertThat(v).startsWith("Bearer realm=\"upshift\""));
        assertThat(body(refused).path("error").asText()).isEqualTo("invalid token");
        assertThat(delete("/api/tokens/ci-deploy").statusCode()).isEqualTo(404);
    }

    @Test
    void aViewerTokenOnlyReadsAndNoTokenOutranksItsOwnersRoleNow() throws Exception {
        String viewerToken = create(OPERATOR, "{\"name\":\"dashboards\",\"role\":\"viewer\"}").path("token").asText();
        assertThat(getWith(viewerToken, "/api/upgrades").statusCode()).isEqualTo(200);
        HttpResponse<String> write = withToken(viewerToken, postRequest("/api/tokens", "application/json",
                "{\"name\":\"escalate\",\"role\":\"operator\"}".getBytes()));
        assertThat(write.statusCode()).isEqualTo(403);
        assertThat(body(write).path("reasons").get(0).asText()).contains("operator role");

        // a viewer cannot make tokens at all
        assertThat(send(VIEWER, postRequest("/api/tokens", "application/json",
                "{\"name\":\"mine\"}".getBytes())).statusCode()).isEqualTo(403);

        // an operator token made by a token belongs to the same owner
        String operatorToken = create(OPERATOR, "{\"name\":\"pipeline\",\"role\":\"operator\"}").path("token").asText();
        HttpResponse<String> child = withToken(operatorToken, postRequest("/api/tokens", "application/json",
                "{\"name\":\"pipeline-child\"}".getBytes()));
        assertThat(child.statusCode()).isEqualTo(201);
        assertThat(body(child).path("owner").asText()).isEqualTo(OPERATOR);

        // the owner demoted in the users file: their operator token reads only, at once
        UserFile users = new UserFile(usersFile());
        String hash = users.find(OPERATOR).orElseThrow().password();
        users.put(OPERATOR, Role.VIEWER, hash);
        try {
            assertThat(getWith(operatorToken, "/api/tokens").statusCode()).isEqualTo(200);
            assertThat(withToken(operatorToken, HttpRequest.newBuilder(uri("/api/tokens/dashboards")).DELETE())
                    .statusCode()).isEqualTo(403);
        } finally {
            users.put(OPERATOR, Role.OPERATOR, hash);
        }
        assertThat(withToken(operatorToken, HttpRequest.newBuilder(uri("/api/tokens/dashboards")).DELETE())
                .statusCode()).isEqualTo(200);
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        String token = create(OPERATOR, "{\"name\":\"short-lived\",\"expiresInDays\":1}").path("token").asText();
        assertThat(getWith(token, "/api/platform").statusCode()).isEqualTo(200);
        // forward only: the login throttle keeps its failures by this clock, and time never runs back
        clock().shift(Duration.ofDays(1).plusMinutes(1));
        assertThat(getWith(token, "/api/platform").statusCode()).isEqualTo(401);
    }

    @Test
    void badRequestsGetEveryReason() throws Exception {
        HttpResponse<String> bad = post("/api/tokens", "application/json",
                "{\"name\":\"Bad Name\",\"role\":\"admin\",\"expiresInDays\":9999}".getBytes());
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(body(bad).path("reasons")).hasSize(3);
        assertThat(post("/api/tokens", "application/json", "{nope".getBytes()).statusCode()).isEqualTo(400);
        create(OPERATOR, "{\"name\":\"twice\"}");
        HttpResponse<String> again = post("/api/tokens", "application/json", "{\"name\":\"twice\"}".getBytes());
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(getWith("upshift_not-a-token", "/api/versions").statusCode()).isEqualTo(401);
    }

    private static JsonNode find(JsonNode list, String name) {
        for (JsonNode row : list) {
            if (row.path("name").asText().equals(name)) {
                return row;
            }
        }
        throw new AssertionError("no token " + name + " in " + list);
    }
}
