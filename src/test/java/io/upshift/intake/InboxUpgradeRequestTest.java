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

    @Test
    void anUpgradeRequestFileStartsAnUpgradeAndABadOneIsRejectedWithItsReason() throws Exception {
        drop("platform-5.1.2.04.yaml", example("platform-5.1.2.04.yaml"));
        drop("no-risk.yaml", "kind: UpgradeRequest\ntargetVersion: 5.1.2.04\n".getBytes());
        JsonNode errors = json.readTree(inbox().resolve(".failed/no-risk.yaml.errors.json").toFile());
        assertThat(errors.path("status").asInt()).isEqualTo(400);
        assertThat(errors.path("error").asText()).isEqualTo("the risk disclaimer must be accepted");

        String wrongTypes = "kind: UpgradeRequest\ntargetVersion: 5.1\nacceptRisk: [true]\n";
        drop("wrong-types.yaml", wrongTypes.getBytes());
        JsonNode fileErrors = json.readTree(inbox().resolve(".failed/wrong-types.yaml.errors.json").toFile());
        JsonNode httpErrors = body(post("/api/upgrades", "application/yaml", wrongTypes.getBytes()));
        assertThat(fileErrors.path("status").asInt()).isEqualTo(400);
        assertThat(fileErrors.path("reasons")).hasSize(2).isEqualTo(httpErrors.path("reasons"));

        drop("upgrade.yaml", example("upgrade-request.yaml"));
        assertThat(inbox().resolve(".done/upgrade.yaml")).exists();
        JsonNode upgrade = body(get("/api/upgrades")).get(0);
        assertThat(upgrade.path("trigger").asText()).isEqualTo("inbox");
        assertThat(upgrade.path("requestedBy").asText()).isEqualTo("ops@example.com");
        awaitUpgrade(upgrade.path("id").asText(), "SUCCEEDED");
    }
}
