package io.upshift.probe;

import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Availability measured through the sandbox's service proxy: a zero-downtime upgrade of services
 * with two replicas fails no probe; a downtime upgrade does, and says for how long.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AvailabilityTest extends UpshiftTestSupport {

    @Override
    protected Properties settings() {
        Properties p = new Properties();
        p.setProperty("upshift.probe.interval", "50ms");
        // generous: on a loaded build machine the sandbox's API server itself can take a second to answer,
        // and an unanswered probe counts as failed
        p.setProperty("upshift.probe.timeout", "3s");
        // the pods take long enough to get ready that a downtime upgrade's outage spans many probes
        p.setProperty("upshift.sandbox.readiness-delay", "300ms");
        return p;
    }

    /** The example {@code file} with a probe on every service. */
    private static byte[] probed(String file) throws Exception {
        return new String(example(file)).replaceAll("(?m)^(    image: .*)$", "$1\n    probe: {path: /ping, port: 8080}")
                .getBytes();
    }

    private JsonNode upgrade(String version) throws Exception {
        assertThat(post("/api/versions", "application/yaml", probed("platform-" + version + ".yaml")).statusCode())
                .isEqualTo(201);
        String id = body(postJson("/api/upgrades", "{\"targetVersion\":\"" + version + "\",\"acceptRisk\":true}"))
                .path("id").asText();
        return awaitUpgrade(id, "SUCCEEDED");
    }

    @Test
    @Order(1)
    void aZeroDowntimeUpgradeOfTwoReplicasFailsNoProbe() throws Exception {
        JsonNode ended = upgrade("5.1.2.04");
        assertThat(ended.path("mode").asText()).isEqualTo("zero-downtime");
        JsonNode availability = ended.path("availability");
        assertThat(availability).hasSize(7);
        for (JsonNode service : availability) {
            assertThat(service.path("probes").asLong()).as(service.toString()).isPositive();
            assertThat(service.path("failed").asLong()).as(service.toString()).isZero();
            assertThat(service.path("longestOutageMs").asLong()).as(service.toString()).isZero();
        }
        String[] log = get("/api/upgrades/" + ended.path("id").asText() + "/logs").body().strip().split("\n");
        assertThat(log[log.length - 1]).matches(".*web-console: [\\d,]+ probes, 0 failed$");
    }

    @Test
    @Order(2)
    void aDowntimeUpgradeFailsProbesWhileItsServicesAreDown() throws Exception {
        JsonNode ended = upgrade("5.2.0.01");
        assertThat(ended.path("mode").asText()).isEqualTo("downtime");
        long failed = 0;
        for (JsonNode service : ended.path("availability")) {
            failed += service.path("failed").asLong();
            assertThat(service.path("failed").asLong()).as(service.toString()).isPositive();
            assertThat(service.path("longestOutageMs").asLong()).as(service.toString()).isPositive();
        }
        assertThat(failed).isPositive();
        String log = get("/api/upgrades/" + ended.path("id").asText() + "/logs").body();
        assertThat(log).containsPattern("gateway: [\\d,]+ probes, [\\d,]+ failed, longest outage [\\d,]+ ms");
    }
}
