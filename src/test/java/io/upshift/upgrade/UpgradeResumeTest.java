package io.upshift.upgrade;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.UpshiftTestSupport;
import io.upshift.store.UpgradeRecords;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resume after a crash: the database and cluster are left as a process killed mid-upgrade leaves
 * them (record RUNNING, lock held by this instance, some services rolled), then the start-up
 * route {@code resume-upgrades} runs as it does when Upshift starts again.
 */
class UpgradeResumeTest extends UpshiftTestSupport {

    @Test
    void aRestartContinuesTheRunningUpgradeSkippingWhatIsDone() throws Exception {
        post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml"));
        UpgradePlanner planner = context.getRegistry().lookupByNameAndType("upgradePlanner", UpgradePlanner.class);
        UpgradeRecords store = context.getRegistry().lookupByNameAndType("upgradeRecords", UpgradeRecords.class);
        PlatformLock lock = context.getRegistry().lookupByNameAndType("platformLease", PlatformLock.class);

        // the resume route runs on taking the lead, which may come while this test sets the crash up: not yet
        context.getRouteController().stopRoute("resume-upgrades");
        // what the crashed process left: lock held, record RUNNING, config-center and auth rolled
        // (auth's finish recorded, config-center's not), the rest untouched
        String id = "upg-crashed-0001";
        assertThat(lock.tryAcquire(PlatformLock.PLATFORM, id)).isEmpty();
        UpgradeRequest request = new UpgradeRequest("5.1.2.04", null, true, "ops", null, null, null);
        UpgradeRecord accepted = accepted(planner.plan(request), id);
        store.create(accepted, null);
        for (String service : List.of("config-center", "auth")) {
            kubernetes().apps().deployments().inNamespace("platform").withName(service).edit(d -> {
                d.getSpec().getTemplate().getSpec().getContainers().get(0)
                        .setImage("registry.upshift.local/dataphin/" + service + ":5.1.2.04");
                return d;
            });
        }
        // the cluster finished rolling them before the crash
        for (String service : List.of("config-center", "auth")) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() ->
                    io.upshift.kubernetes.DeploymentRules.rolledOut(
                            kubernetes().apps().deployments().inNamespace("platform").withName(service).get()));
        }
        UpgradeRecord running = accepted.running(accepted.createdAt(), Phase.ROLLING, "running")
                .withService(accepted.service("config-center").orElseThrow().started(ServiceState.RUNNING,
                        Phase.ROLLING, accepted.createdAt(), "rolling update"))
                .withService(accepted.service("auth").orElseThrow().finished(ServiceState.SUCCEEDED, 2, 2,
                        accepted.createdAt(), "rolled"));
        store.save(accepted, running);
        assertThat(body(get("/api/platform")).path("upgradeInProgress").asText()).isEqualTo(id);

        // Upshift starts again
        context.getRouteController().startRoute("resume-upgrades");

        JsonNode done = awaitUpgrade(id, "SUCCEEDED");
        for (JsonNode service : done.path("services")) {
            assertThat(service.path("state").asText()).as(service.path("name").asText()).isIn("SUCCEEDED", "ALREADY_AT_TARGET");
        }
        // the roll interrupted by the crash and resumed is one phase, from its first start
        JsonNode configCenter = done.path("services").findParents("name").stream()
                .filter(s -> s.path("name").asText().equals("config-center")).findFirst().orElseThrow();
        assertThat(configCenter.path("phases")).hasSize(1);
        assertThat(configCenter.path("phases").get(0).path("startedAt")).isEqualTo(done.path("createdAt"));
        assertThat(configCenter.path("phases").get(0).path("finishedAt")).isEqualTo(configCenter.path("finishedAt"));
        String log = get("/api/upgrades/" + id + "/logs").body();
        assertThat(log).contains("Upshift restarted: resuming", "config-center: already at");
        assertThat(log).doesNotContain("auth: rolling update");
        for (String service : List.of("config-center", "auth", "metadata", "gateway", "web-console")) {
            assertThat(image(service)).endsWith(":5.1.2.04");
        }
        assertThat(body(get("/api/platform")).path("upgradeInProgress").isNull()).isTrue();
        assertThat(body(get("/api/platform")).path("currentVersion").asText()).isEqualTo("5.1.2.04");
    }
}
