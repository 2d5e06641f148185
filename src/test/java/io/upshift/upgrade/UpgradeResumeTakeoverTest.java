package io.upshift.upgrade;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.UpshiftTestSupport;
import io.upshift.store.UpgradeRecords;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resume after a crash of another instance: the platform lock is still held by a process with a
 * different instance id whose lease has not expired. The restarted instance must not run the
 * upgrade while that lease lives, and must take it over once it has expired (not give up).
 */
class UpgradeResumeTakeoverTest extends UpshiftTestSupport {

    @Test
    void anotherInstancesLockIsTakenOverWhenItsLeaseExpires() throws Exception {
        post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml"));
        UpgradePlanner planner = context.getRegistry().lookupByNameAndType("upgradePlanner", UpgradePlanner.class);
        UpgradeRecords store = context.getRegistry().lookupByNameAndType("upgradeRecords", UpgradeRecords.class);
        DataSource dataSource = context.getRegistry().lookupByNameAndType("dataSource", DataSource.class);

        // the resume route runs on taking the lead, which may come while this test sets the crash up: not yet
        context.getRouteController().stopRoute("resume-upgrades");
        // what the crashed instance left: the record UPGRADING, its lease (6 s) on the lock, taken last
        // so that the lease still lives when this instance looks (even on a loaded machine)
        String id = "upg-crashed-0002";
        UpgradeRequest request = new UpgradeRequest("5.1.2.04", null, true, "ops", null, null, null);
        UpgradeRecord accepted = accepted(planner.plan(request), id);
        store.create(accepted, null);
        store.save(accepted, accepted.running(accepted.createdAt(), Phase.ROLLING, "running"));
        PlatformLock crashed = new PlatformLock(dataSource, Clock.systemUTC(), "crashed-node", Duration.ofSeconds(6));
        assertThat(crashed.tryAcquire(PlatformLock.PLATFORM, id)).isEmpty();
        Instant expiry = crashed.lease(PlatformLock.PLATFORM).orElseThrow().expiresAt();

        // this instance starts while that lease still lives
        context.getRouteController().startRoute("resume-upgrades");

        JsonNode done = awaitUpgrade(id, "SUCCEEDED");
        assertThat(done.path("services").findValuesAsText("state")).containsOnly("SUCCEEDED");
        String[] log = get("/api/upgrades/" + id + "/logs").body().split("\n");
        String waited = line(log, "the platform lock is held by " + id + " on instance crashed-node");
        String resumed = line(log, "Upshift restarted: resuming");
        assertThat(timestamp(waited)).isBefore(expiry);
        assertThat(timestamp(resumed)).isAfterOrEqualTo(expiry);
        assertThat(body(get("/api/platform")).path("currentVersion").asText()).isEqualTo("5.1.2.04");
    }

    private static String line(String[] log, String text) {
        return Arrays.stream(log).filter(l -> l.contains(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no log line with \"" + text + "\" in\n" + String.join("\n", log)));
    }

    /** A log line is {@code <number> <timestamp> <message>}. */
    private static Instant timestamp(String line) {
        return Instant.parse(line.split(" ", 3)[1]);
    }
}
