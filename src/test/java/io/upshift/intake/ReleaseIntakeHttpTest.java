package io.upshift.intake;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Releases (issue 13) through the real import: compared with the stored config of the version the platform runs. */
class ReleaseIntakeHttpTest extends UpshiftTestSupport {

    @Test
    void importsARelease() throws Exception {
        assertThat(post("/api/versions", "application/yaml", example("platform-5.1.2.02.yaml")).statusCode()).isIn(200, 201);

        HttpResponse<String> imported = post("/api/versions", "application/yaml", example("platform-5.1.2.05.yaml"));

        assertThat(imported.statusCode()).isEqualTo(201);
        JsonNode stored = body(get("/api/versions/5.1.2.05"));
        assertThat(stored.path("prune").asBoolean()).isTrue();
        assertThat(stored.at("/services/2/env/DB_PASSWORD/valueFrom/secretKeyRef/key").asText()).isEqualTo("password");
        assertThat(stored.at("/services/3/template/ports/0/servicePort").asInt()).isEqualTo(80);
        assertThat(stored.at("/jobs/before/0/name").asText()).isEqualTo("migrate-metadata-schema");
    }

    @Test
    void refusesEveryProblemOfABadReleaseAt422WithItsPath() throws Exception {
        assertThat(post("/api/versions", "application/yaml", example("platform-5.1.2.02.yaml")).statusCode()).isIn(200, 201);

        HttpResponse<String> response = post("/api/versions", "application/yaml",
                example("invalid/release-problems.yaml"));

        assertThat(response.statusCode()).isEqualTo(422);
        List<String> locations = new ArrayList<>();
        body(response).path("reasons").forEach(r -> locations.add(r.asText().substring(0, r.asText().indexOf(": "))));
        assertThat(locations).containsExactly("prune", "jobs.before[0]", "services[1].template",
                "services[2].env.1ST_POOL", "services[2].env.TOKEN.valueFrom", "services[2].resources.requests.memory",
                "services[2].resources.limits.cpu", "services[2].volumeClaimTemplates");
        assertThat(get("/api/versions/5.1.2.06").statusCode()).isEqualTo(404);
    }
}
