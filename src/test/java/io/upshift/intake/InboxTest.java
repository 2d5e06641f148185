package io.upshift.intake;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.UpshiftTestSupport;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Files dropped into the inbox folder, through the real file consumer and routes. */
class InboxTest extends UpshiftTestSupport {

    @Test
    void importsAValidFileAndMovesItToDone() throws Exception {
        drop("platform.yaml", example("platform-5.1.2.04.yaml"));
        assertThat(inbox().resolve(".done/platform.yaml")).exists();
        assertThat(inbox().resolve("platform.yaml")).doesNotExist();
        JsonNode list = body(get("/api/versions"));
        assertThat(list.findValuesAsText("source")).contains("inbox:platform.yaml");
        for (JsonNode version : list) { // no authenticated user sent it
            if (version.path("source").asText().equals("inbox:platform.yaml")) {
                assertThat(version.path("uploadedBy").isTextual()).as(version.toString()).isFalse();
            }
        }
    }

    @Test
    void rejectsABadFileWithTheSameReasonsAsHttp() throws Exception {
        byte[] bad = Files.readAllBytes(Path.of("examples/invalid/many-problems.yaml"));
        drop("many-problems.yaml", bad);
        Path errors = inbox().resolve(".failed/many-problems.yaml.errors.json");
        assertThat(inbox().resolve(".failed/many-problems.yaml")).exists();
        assertThat(errors).exists();
        JsonNode written = json.readTree(errors.toFile());
        JsonNode answered = body(post("/api/versions", "application/yaml", bad));
        assertThat(written.path("status").asInt()).isEqualTo(422);
        assertThat(written.path("reasons")).isEqualTo(answered.path("reasons"));
        assertThat(written.path("error")).isEqualTo(answered.path("error"));
    }

    @Test
    void aLaterFileWithTheSameNameDoesNotOverwriteTheEarlierOne() throws Exception {
        drop("same.json", json.writeValueAsBytes(new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
                .readTree(example("platform-5.1.2.02.yaml"))));
        drop("same.json", "{ not json".getBytes());
        drop("same.json", "{ still not json".getBytes());
        assertThat(inbox().resolve(".done/same.json")).exists();
        assertThat(inbox().resolve(".failed/same.json")).exists();
        assertThat(inbox().resolve(".failed/same-2.json")).hasContent("{ still not json");
        assertThat(inbox().resolve(".failed/same-2.json.errors.json")).exists();
        assertThat(json.readTree(inbox().resolve(".failed/same.json.errors.json").toFile()).path("status").asInt())
                .isEqualTo(400);
    }

    @Test
    void aFileOverTheLimitIsRejectedUnread() throws Exception {
        byte[] huge = new byte[1024 * 1024 + 10];
        java.util.Arrays.fill(huge, (byte) '#');
        drop("huge.yml", huge);
        JsonNode errors = json.readTree(inbox().resolve(".failed/huge.yml.errors.json").toFile());
        assertThat(errors.path("status").asInt()).isEqualTo(413);
        assertThat(inbox().resolve(".failed/huge.yml")).hasSize(huge.length);
    }

    @Test
    void otherFilesAreLeftAlone() throws Exception {
        Files.createDirectories(inbox());
        Files.writeString(inbox().resolve("notes.txt"), "not for upshift");
        drop("v.yaml", example("platform-5.2.0.01.yaml"));
        assertThat(inbox().resolve("notes.txt")).exists();
        assertThat(inbox().resolve(".done/notes.txt")).doesNotExist();
    }
}
