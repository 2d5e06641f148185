package io.upshift.upgrade;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upgrades started by a scheduled window ({@code windowEndsAt} set), through the real pipeline
 * route as the window opener calls it: a closed window stops a downtime upgrade from taking more
 * services down (and brings back those already down); an upgrade is never cut off once services
 * come back up, but the record says it overran.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpgradeWindowTest extends UpshiftTestSupport {

    private static final List<String> SERVICES = List.of("config-center", "auth", "metadata", "scheduler",
            "data-service", "gateway", "web-console");

    private UpgradeRecord request(String version, UpgradeMode mode, Instant windowEndsAt) {
        return template.requestBodyAndHeaders("direct:request-upgrade",
                new UpgradeRequest(version, mode, true, "window", null, windowEndsAt, null),
                Map.of("UpshiftTrigger", "schedule"), UpgradeRecord.class);
    }

    @Test
    @Order(1)
    void aDowntimeUpgradeWhoseWindowHasClosedTakesNoMoreServicesDownAndBringsBackTheOnesThatAre() throws Exception {
        post("/api/versions", "application/yaml", example("platform-5.2.0.01.yaml"));
        UpgradeRecord accepted = request("5.2.0.01", UpgradeMode.DOWNTIME, Instant.now().minusSeconds(1));
        assertThat(accepted.trigger()).isEqualTo("schedule");

        JsonNode ended = awaitUpgrade(accepted.id(), "STOPPED");
        assertThat(ended.path("message").asText()).contains("the upgrade window closed at", "before every service was down",
                "brought back up at their previous version");
        assertThat(ended.path("overran").asBoolean()).isTrue();
        for (String service : SERVICES) {
            assertThat(image(service)).as(service).endsWith(":5.1.2.02");
            assertThat(kubernetes().apps().deployments().inNamespace("platform").withName(service).get().getSpec()
                    .getReplicas()).as(service + " replicas").isEqualTo(2);
        }
        assertThat(get("/api/upgrades/" + accepted.id() + "/logs").body())
                .contains("before every service was down: no further service of this downtime upgrade is taken down");
        assertThat(body(get("/api/platform")).path("currentVersion").asText()).isEqualTo("5.1.2.02");
    }

    @Test
    @Order(2)
    void aLiveUpgradeIsNeverCutOffButTheRecordSaysItOverran() throws Exception {
        post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml"));
        UpgradeRecord accepted = request("5.1.2.04", null, Instant.now().minusSeconds(1));
        JsonNode done = awaitUpgrade(accepted.id(), "SUCCEEDED");
        assertThat(done.path("overran").asBoolean()).isTrue();
        for (String service : SERVICES) {
            assertThat(image(service)).endsWith(":5.1.2.04");
        }
        assertThat(get("/api/upgrades/" + accepted.id() + "/logs").body()).contains("ran past its window");
    }
}
