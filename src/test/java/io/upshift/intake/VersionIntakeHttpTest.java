package io.upshift.intake;

import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Version configurations through the real HTTP API. */
class VersionIntakeHttpTest extends UpshiftTestSupport {

    @Test
    void importsANewVersionThenOverwritesIt() throws Exception {
        HttpResponse<String> first = post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml"));
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(first.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(first.body()).isEqualTo("{\"version\":\"5.1.2.04\",\"action\":\"imported\",\"services\":7}");

        HttpResponse<String> again = post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml"));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(body(again).path("action").asText()).isEqualTo("overwritten");

        HttpResponse<String> stored = get("/api/versions/5.1.2.04");
        assertThat(stored.statusCode()).isEqualTo(200);
        assertThat(body(stored).path("services")).hasSize(7);
        assertThat(body(stored).path("services").get(6).path("container").asText()).isEqualTo("console");
    }

    @Test
    void acceptsJsonAndNormalizesALeadingV() throws Exception {
        JsonNode config = new YAMLMapper().readTree(example("platform-5.2.0.01.yaml"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) config).put("version", "V5.2.0.01");
        HttpResponse<String> response = post("/api/versions", "application/json; charset=utf-8", json.writeValueAsBytes(config));
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(body(response).path("version").asText()).isEqualTo("5.2.0.01");
        assertThat(get("/api/versions/V5.2.0.01").statusCode()).isEqualTo(200);
    }

    @Test
    void listsStoredVersionsWithTheirSourceAndUploader() throws Exception {
        post("/api/versions", "application/yaml", example("platform-5.1.2.02.yaml"));
        HttpResponse<String> list = get("/api/versions");
        assertThat(list.statusCode()).isEqualTo(200);
        JsonNode entry = null;
        for (JsonNode v : body(list)) {
            if (v.path("version").asText().equals("5.1.2.02")) {
                entry = v;
            }
        }
        assertThat(entry).isNotNull();
        assertThat(entry.path("source").asText()).isEqualTo("http");
        assertThat(entry.path("uploadedBy").asText()).as("the authenticated user who sent it").isEqualTo(OPERATOR);
        assertThat(entry.path("services").asInt()).isEqualTo(7);
        assertThat(entry.path("importedAt").asText()).isNotBlank();
    }

    @Test
    void reportsEveryProblemOfAnInvalidConfigAt422() throws Exception {
        HttpResponse<String> response = post("/api/versions", "application/yaml",
                java.nio.file.Files.readAllBytes(java.nio.file.Path.of("examples/invalid/many-problems.yaml")));
        assertThat(response.statusCode()).isEqualTo(422);
        JsonNode body = body(response);
        assertThat(body.path("error").asText()).isEqualTo("invalid version configuration");
        assertThat(body.path("reasons")).hasSize(5);
        assertThat(body.path("reasons").get(0).asText()).startsWith("version: ");
    }

    @Test
    void malformedYamlIs400WithLineAndColumn() throws Exception {
        HttpResponse<String> response = post("/api/versions", "application/yaml", "version: 5.1.2.04\nservices: [\n  - a: b: c\n".getBytes());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(body(response).path("reasons").get(0).asText()).containsPattern("line \\d+, column \\d+");
    }

    @Test
    void tooLargeIs413() throws Exception {
        byte[] huge = new byte[1024 * 1024 + 1];
        java.util.Arrays.fill(huge, (byte) 'a');
        HttpResponse<String> response = post("/api/versions", "application/yaml", huge);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(body(response).path("reasons").get(0).asText()).contains("1048576");
    }

    @Test
    void otherContentTypesAre415() throws Exception {
        HttpResponse<String> response = post("/api/versions", "text/plain", example("platform-5.1.2.04.yaml"));
        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(body(response).path("error").asText()).isEqualTo("unsupported content type");
        assertThat(post("/api/versions", null, example("platform-5.1.2.04.yaml")).statusCode()).isEqualTo(415);
    }

    @Test
    void unknownVersionIs404AndQueryParametersAreNotEchoed() throws Exception {
        HttpResponse<String> response = get("/api/versions/9.9.9.99?debug=yes");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(body(response).path("error").asText()).isEqualTo("unknown version");
        assertThat(response.headers().map().keySet()).doesNotContain("debug", "UpshiftSource", "version");
        assertThat(get("/api/versions/not-a-version").statusCode()).isEqualTo(404);
    }

    @Test
    void nothingIsStoredWhenRejected() throws Exception {
        post("/api/versions", "application/json", "{\"version\":\"7.0.0.01\",\"services\":[]}".getBytes());
        assertThat(get("/api/versions/7.0.0.01").statusCode()).isEqualTo(404);
        List<String> versions = body(get("/api/versions")).findValuesAsText("version");
        assertThat(versions).doesNotContain("7.0.0.01");
    }
}
