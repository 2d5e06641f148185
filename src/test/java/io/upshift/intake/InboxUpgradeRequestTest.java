package io.upshift.intake;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.UpshiftTestSupport;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** An upgrade request dropped into the inbox enters the same pipeline as an HTTP request. */
class InboxUpgradeRequestTest extends UpshiftTestSupport {

    private void drop(String name, byte[] content) throws Exception {
        NotifyBuilder processed = new NotifyBuilder(context).fromRoute("intake-inbox")
                .filter(org.apache.camel.builder.Builder.header("CamelFileName").isEqualTo(name)).whenDone(1).create();
        Path tmp = work.resolve(name + ".part");
        Files.write(tmp, content);
        Files.createDirectories(inbox());
        Files.move(tmp, inbox().resolve(name));
        assertThat(processed.matches(20, TimeUnit.SECONDS)).as("inbox processed " + name).isTrue();
        // the file moves out of the inbox as the exchange completes
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !Files.exists(inbox().resolve(name)));
    }

    @Test
    void anUpgradeRequestFileStartsAnUpgradeAndABadOneIsRejectedWithItsReason() throws Exception {
        drop("platform-5.1.2.04.yaml", example("platform-5.1.2.04.yaml"));
        drop("no-risk.yaml", "kind: UpgradeRequest\ntargetVersion: 5.1.2.04\n".getBytes());
        JsonNode errors = json.readTree(inbox().resolve(".failed/no-risk.yaml.errors.json").toFile());
        assertThat(errors.path("status").asInt()).isEqualTo(400);
        assertThat(errors.path("error").asText()).isEqualTo("the risk disclaimer must be accepted");

        drop("upgrade.yaml", example("upgrade-request.yaml"));
        assertThat(inbox().resolve(".done/upgrade.yaml")).exists();
        JsonNode upgrade = body(get("/api/upgrades")).get(0);
        assertThat(upgrade.path("trigger").asText()).isEqualTo("inbox");
        assertThat(upgrade.path("requestedBy").asText()).isEqualTo("ops@example.com");
        awaitUpgrade(upgrade.path("id").asText(), "SUCCEEDED");
    }
}
