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

        assertThat(imported.statusCode()).isIn(200, 201);
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

    @Test
    void diffsTwoStoredVersionsServiceByService() throws Exception {
        assertThat(post("/api/versions", "application/yaml", example("platform-5.1.2.02.yaml")).statusCode()).isIn(200, 201);
        assertThat(post("/api/versions", "application/yaml", example("platform-5.1.2.05.yaml")).statusCode()).isIn(200, 201);
        String image = "registry.upshift.local/dataphin/%s:%s";

        HttpResponse<String> diff = get("/api/versions/5.1.2.02/diff/5.1.2.05");

        assertThat(diff.statusCode()).isEqualTo(200);
        // by hand, from the two example files: services in 5.1.2.05's upgrade order, then the retired one
        assertThat(body(diff)).isEqualTo(json.readTree("""
                {"from": "5.1.2.02", "to": "5.1.2.05",
                 "services": [
                  {"name": "config-center", "change": "CHANGED", "image": {"from": "%1$s", "to": "%2$s"}},
                  {"name": "auth", "change": "CHANGED", "image": {"from": "%3$s", "to": "%4$s"}},
                  {"name": "metadata", "change": "CHANGED", "image": {"from": "%5$s", "to": "%6$s"},
                   "env": {"added": {"DB_POOL_SIZE": "20", "DB_PASSWORD": "secret metadata-db/password",
                                     "FEATURE_FLAGS": "configMap metadata-config/features"}},
                   "resources": {"from": null, "to": {"limits": {"cpu": "2", "memory": "2Gi"},
                                                      "requests": {"cpu": "500m", "memory": "1Gi"}}},
                   "replicas": {"from": null, "to": 3},
                   "args": {"from": null, "to": ["--spring.config.additional-location=/etc/metadata/"]},
                   "configMaps": {"metadata-config": {"added": ["features", "application.properties"]}}},
                  {"name": "lineage", "change": "CREATED", "image": {"from": null, "to": "%7$s"},
                   "env": {"added": {"METADATA_URL": "http://metadata:8080"}},
                   "jobsBefore": ["create-lineage-tables"]},
                  {"name": "data-service", "change": "CHANGED", "image": {"from": "%8$s", "to": "%9$s"}},
                  {"name": "gateway", "change": "CHANGED", "image": {"from": "%10$s", "to": "%11$s"}},
                  {"name": "web-console", "change": "CHANGED", "image": {"from": "%12$s", "to": "%13$s"}},
                  {"name": "scheduler", "change": "DELETED"}
                 ],
                 "jobsBefore": ["migrate-metadata-schema"], "jobsAfter": ["warm-lineage-cache"]}
                """.formatted(image.formatted("config-center", "5.1.2.02"), image.formatted("config-center", "5.1.2.05"),
                image.formatted("auth", "5.1.2.02"), image.formatted("auth", "5.1.2.05"),
                image.formatted("metadata", "5.1.2.02"), image.formatted("metadata", "5.1.2.05"),
                image.formatted("lineage", "5.1.2.05"),
                image.formatted("data-service", "5.1.2.02"), image.formatted("data-service", "5.1.2.05"),
                image.formatted("gateway", "5.1.2.02"), image.formatted("gateway", "5.1.2.05"),
                image.formatted("web-console", "5.1.2.02"), image.formatted("web-console", "5.1.2.05"))));
        assertThat(diff.body()).doesNotContain("password\":");
        assertThat(get("/api/versions/5.1.2.02/diff/9.9.9.99").statusCode()).isEqualTo(404);
    }
}
