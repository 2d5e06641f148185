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
import org.apache.camel.spi.Registry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Quartz firing windows through the real routes (open-window → request-upgrade), with the
 * application's clock under the test's control, and default windows from the settings.
 */
class ScheduleFiringTest extends UpshiftTestSupport {

    private ShiftedClock clock;

    @Override
    protected Properties settings() {
        Properties p = new Properties();
        p.setProperty("upshift.windows.nightly.cron", "0 0 3 * * ?");
        p.setProperty("upshift.windows.nightly.time-zone", "Asia/Shanghai");
        p.setProperty("upshift.windows.nightly.target-version", "5.1.2.04");
        p.setProperty("upshift.windows.nightly.mode", "downtime");
        p.setProperty("upshift.windows.nightly.window-minutes", "45");
        p.setProperty("upshift.windows.nightly.accept-risk", "true");
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

    @BeforeEach
    void importVersion() throws Exception {
        assertThat(post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml")).statusCode()).isBetween(200, 201);
    }

    @AfterEach
    void realTime() {
        clock().shift(Duration.ZERO);
    }

    /** A one-off window opening two seconds from now (whole seconds, as operators write them). */
    private JsonNode scheduleSoon(int windowMinutes) throws Exception {
        Instant at = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS);
        HttpResponse<String> created = post("/api/schedules", "application/json", """
                {"targetVersion":"5.1.2.04","acceptRisk":true,"at":"%s","windowMinutes":%d}"""
                .formatted(OffsetDateTime.ofInstant(at, ZoneOffset.UTC), windowMinutes).getBytes());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return body(created);
    }

    private JsonNode awaitOutcome(String id) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> body(get("/api/schedules/" + id)),
                schedule -> schedule.has("lastOutcome"));
    }

    @Test
    void aWindowOpensThroughTheUpgradePipelineAndRecordsTheOutcome() throws Exception {
        JsonNode schedule = scheduleSoon(60);
        JsonNode fired = awaitOutcome(schedule.path("id").asText());
        // the pipeline is not merged yet: its stub refuses every request
        assertThat(fired.path("lastOutcome").asText()).isEqualTo("FAILED: upgrade requests are not enabled");
        assertThat(Instant.parse(fired.path("lastWindowAt").asText())).isEqualTo(Instant.parse(schedule.path("nextFireTime").asText()));
        assertThat(fired.has("nextFireTime")).as("a one-off window fires once").isFalse();
    }

    @Test
    void aWindowFiredAfterItClosedIsMissed() throws Exception {
        JsonNode schedule = scheduleSoon(1);
        // by the application's clock, the fire comes two minutes late: the one-minute window has closed
        clock().shift(Duration.ofMinutes(2));
        JsonNode fired = awaitOutcome(schedule.path("id").asText());
        assertThat(fired.path("lastOutcome").asText()).isEqualTo("MISSED");
    }

    @Test
    void aLateFireInsideTheWindowStillStartsIt() throws Exception {
        JsonNode schedule = scheduleSoon(5);
        clock().shift(Duration.ofMinutes(4));
        JsonNode fired = awaitOutcome(schedule.path("id").asText());
        assertThat(fired.path("lastOutcome").asText()).isNotEqualTo("MISSED").startsWith("FAILED: upgrade requests are not enabled");
    }

    @Test
    void defaultWindowsFromTheSettingsAreCreatedAtStart() throws Exception {
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
