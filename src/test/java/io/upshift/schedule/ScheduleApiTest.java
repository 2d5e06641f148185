package io.upshift.schedule;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.UpshiftTestSupport;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The schedules API and the inbox's UpgradeSchedule files, through real HTTP and files. */
class ScheduleApiTest extends UpshiftTestSupport {

    @BeforeEach
    void importVersion() throws Exception {
        assertThat(post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml")).statusCode()).isEqualTo(201);
    }

    private HttpResponse<String> postJson(String json) throws Exception {
        return post("/api/schedules", "application/json", json.getBytes());
    }

    private HttpResponse<String> delete(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aOneOffWindowIsCreatedWithItsFireTime() throws Exception {
        String at = OffsetDateTime.now(ZoneOffset.ofHours(8)).plusDays(2).truncatedTo(ChronoUnit.SECONDS).toString();
        HttpResponse<String> created = postJson("""
                {"targetVersion":"5.1.2.04","mode":"zero-downtime","acceptRisk":true,"at":"%s"}""".formatted(at));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode schedule = body(created);
        assertThat(schedule.path("id").asText()).startsWith("sch-");
        assertThat(schedule.path("windowMinutes").asInt()).isEqualTo(60);
        assertThat(schedule.path("timeZone").asText()).isEqualTo("+08:00");
        assertThat(OffsetDateTime.parse(schedule.path("nextFireTime").asText())).isEqualTo(OffsetDateTime.parse(at));
        assertThat(schedule.path("nextFireTimes")).hasSize(1);
    }
}
