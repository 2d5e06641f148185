package io.upshift.schedule;

import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.UpshiftTestSupport;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.upshift.upgrade.PlatformLock;
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Quartz firing windows through the real routes (open-window → request-upgrade → sandbox cluster),
 * with the application's clock under the test's control, and default windows from the settings.
 * Ordered: the first upgrade that runs changes the platform's version for the tests after it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScheduleFiringTest extends UpshiftTestSupport {

    private ShiftedClock clock;
    private boolean imported;

    @Override
    protected Properties settings() {
        Properties p = new Properties();
        p.setProperty("upshift.windows.nightly.cron", "0 0 3 * * ?");
        p.setProperty("upshift.windows.nightly.time-zone", "Asia/Shanghai");
        p.setProperty("upshift.windows.nightly.target-version", "5.1.2.04");
        p.setProperty("upshift.windows.nightly.mode", "downtime");
        p.setProperty("upshift.windows.nightly.window-minutes", "45");
        p.setProperty("upshift.windows.nightly.accept-risk", "true");
        p.setProperty("upshift.sandbox.readiness-delay", "50ms");
        return p;
    }

    /** Called after the configuration classes bound their beans: the application's clock becomes the test's. */
    @Override
    protected void bindToRegistry(Registry registry) {
        registry.unbind("clock");
        registry.bind("clock", Clock.class, clock());
    }

    private ShiftedClock clock() {
        if (clock == null) {
            clock = new ShiftedClock();
        }
        return clock;
    }

    /** Once per class: importing a version an upgrade is rolling out is refused. */
    @BeforeEach
    void importVersion() throws Exception {
        if (!imported) {
            assertThat(post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml")).statusCode()).isBetween(200, 201);
            imported = true;
        }
    }

    @AfterEach
    void realTime() {
        clock().shift(Duration.ZERO);
    }

    /** A one-off window opening two seconds from now (whole seconds, as operators write them). */
    private JsonNode scheduleSoon(int windowMinutes) throws Exception {
        return scheduleSoon("5.1.2.04", windowMinutes, false);
    }

    private JsonNode scheduleSoon(String version, int windowMinutes, boolean acceptWarnings) throws Exception {
        Instant at = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS);
        HttpResponse<String> created = post("/api/schedules", "application/json", """
                {"targetVersion":"%s","acceptRisk":true,"acceptWarnings":%b,"at":"%s","windowMinutes":%d}"""
                .formatted(version, acceptWarnings, OffsetDateTime.ofInstant(at, ZoneOffset.UTC), windowMinutes).getBytes());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return body(created);
    }

    private JsonNode awaitOutcome(String id) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> body(get("/api/schedules/" + id)),
                schedule -> schedule.has("lastOutcome"));
    }

    @Test
    @Order(1)
    void aWindowWhileAnotherUpgradeHoldsThePlatformIsSkipped() throws Exception {
        PlatformLock lock = context.getRegistry().lookupByNameAndType("platformLease", PlatformLock.class);
        assertThat(lock.tryAcquire(PlatformLock.PLATFORM, "upg-held-by-test")).isEmpty();
        try {
            JsonNode fired = awaitOutcome(scheduleSoon(60).path("id").asText());
            assertThat(fired.path("lastOutcome").asText()).isEqualTo("SKIPPED: an upgrade is in progress (upg-held-by-test)");
            assertThat(fired.has("lastUpgradeId")).isFalse();
        } finally {
            lock.release(PlatformLock.PLATFORM, "upg-held-by-test");
        }
    }

    @Test
    @Order(2)
    void aWindowFiredAfterItClosedIsMissed() throws Exception {
        JsonNode schedule = scheduleSoon(1);
        // by the application's clock, the fire comes two minutes late: the one-minute window has closed
        clock().shift(Duration.ofMinutes(2));
        JsonNode fired = awaitOutcome(schedule.path("id").asText());
        assertThat(fired.path("lastOutcome").asText()).isEqualTo("MISSED");
        assertThat(Instant.parse(fired.path("lastWindowAt").asText())).isEqualTo(Instant.parse(schedule.path("nextFireTime").asText()));
    }

    /**
     * A fire four minutes late into a five-minute window still starts the upgrade, through the real
     * pipeline (validation, compatibility router, lock) on the sandbox cluster; once it has run, the
     * next window finds nothing to do.
     */
    @Test
    @Order(3)
    void aWindowStartsTheUpgradeEvenLateAndTheNextFindsThePlatformUpgraded() throws Exception {
        JsonNode schedule = scheduleSoon(5);
        Instant opensAt = Instant.parse(schedule.path("nextFireTime").asText());
        clock().shift(Duration.ofMinutes(4));
        JsonNode fired = awaitOutcome(schedule.path("id").asText());
        String upgradeId = fired.path("lastUpgradeId").asText();
        assertThat(fired.path("lastOutcome").asText()).isEqualTo("STARTED " + upgradeId);
        assertThat(Instant.parse(fired.path("lastWindowAt").asText())).isEqualTo(opensAt);

        JsonNode upgrade = body(get("/api/upgrades/" + upgradeId));
        assertThat(upgrade.path("trigger").asText()).isEqualTo("schedule");
        assertThat(Instant.parse(upgrade.path("windowEndsAt").asText())).isEqualTo(opensAt.plus(Duration.ofMinutes(5)));
        clock().shift(Duration.ZERO);
        JsonNode done = awaitEnded(upgradeId);
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");

        JsonNode again = awaitOutcome(scheduleSoon(60).path("id").asText());
        assertThat(again.path("lastOutcome").asText()).isEqualTo("SKIPPED: already at 5.1.2.04");
        // the refused window gave the platform lock back at once (not when its lease ran out)
        assertThat(body(get("/api/platform")).path("upgradeInProgress").isNull()).isTrue();
    }

    /**
     * Nobody is there to accept pre-check warnings when a window opens: a schedule without
     * {@code acceptWarnings} ends FAILED in PRECHECKING with the warnings named and nothing changed;
     * one with it goes on past them (blocking checks would still stop it).
     */
    @Test
    @Order(4)
    void aWindowGoesPastPrecheckWarningsOnlyWhenTheScheduleAcceptsThem() throws Exception {
        byte[] next = new String(example("platform-5.1.2.04.yaml"), java.nio.charset.StandardCharsets.UTF_8)
                .replace("5.1.2.04", "5.1.2.06").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(post("/api/versions", "application/yaml", next).statusCode()).isBetween(200, 201);
        KubernetesClient k = kubernetes();
        k.apps().deployments().inNamespace("platform").withName("gateway").scale(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> k.apps().deployments().inNamespace("platform").withName("gateway").get(),
                d -> d.getStatus() != null && Integer.valueOf(1).equals(d.getStatus().getReplicas()));
        String gatewayImage = image("gateway");

        JsonNode refused = awaitOutcome(scheduleSoon("5.1.2.06", 60, false).path("id").asText());
        assertThat(refused.path("lastOutcome").asText()).as(refused.toString()).startsWith("STARTED");
        String failedId = refused.path("lastUpgradeId").asText();
        JsonNode failed = awaitEnded(failedId);
        assertThat(failed.path("state").asText()).as(failed.toString()).isEqualTo("FAILED");
        assertThat(failed.path("message").asText()).contains("replicas-for-zero-downtime: gateway", "acceptWarnings");
        assertThat(failed.path("prechecks").path("verdict").asText()).isEqualTo("warnings");
        assertThat(image("gateway")).isEqualTo(gatewayImage);

        JsonNode accepted = awaitOutcome(scheduleSoon("5.1.2.06", 60, true).path("id").asText());
        assertThat(accepted.path("acceptWarnings").asBoolean()).isTrue();
        JsonNode done = awaitEnded(accepted.path("lastUpgradeId").asText());
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertThat(done.path("acceptWarnings").asBoolean()).isTrue();
        assertThat(done.path("prechecks").path("verdict").asText()).isEqualTo("warnings");
        assertThat(image("gateway")).endsWith(":5.1.2.06");
    }

    private JsonNode awaitEnded(String upgradeId) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> body(get("/api/upgrades/" + upgradeId)),
                u -> !u.path("state").asText().matches("PENDING|PRECHECKING|UPGRADING|VERIFYING"));
    }

    @Test
    void defaultWindowsFromTheSettingsAreCreatedAtStart() throws Exception {
        // applied by the leader (route apply-default-windows), moments after the start
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/api/schedules/window-nightly").statusCode() == 200);
        JsonNode nightly = body(get("/api/schedules/window-nightly"));
        assertThat(nightly.path("name").asText()).isEqualTo("nightly");
        assertThat(nightly.path("source").asText()).isEqualTo("settings upshift.windows.nightly");
        assertThat(nightly.path("mode").asText()).isEqualTo("downtime");
        assertThat(nightly.path("windowMinutes").asInt()).isEqualTo(45);
        OffsetDateTime next = OffsetDateTime.parse(nightly.path("nextFireTime").asText());
        assertThat(next.getOffset()).isEqualTo(ZoneOffset.ofHours(8));
        assertThat(next.getHour()).isEqualTo(3);
    }
}
