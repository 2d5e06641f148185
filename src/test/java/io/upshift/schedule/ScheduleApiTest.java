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
        assertThat(post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml")).statusCode()).isBetween(200, 201);
    }

    private HttpResponse<String> postJson(String json) throws Exception {
        return post("/api/schedules", "application/json", json.getBytes());
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
        // who planned it: the authenticated caller
        assertThat(schedule.path("requestedBy").asText()).isEqualTo(OPERATOR);
    }

    @Test
    void aRecurringWindowShowsItsNextFireTimesInItsZone() throws Exception {
        HttpResponse<String> created = postJson("""
                {"targetVersion":"5.1.2.04","acceptRisk":true,"cron":"0 0 2 ? * SUN","timeZone":"Asia/Shanghai","windowMinutes":120}""");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode schedule = body(created);
        assertThat(schedule.path("windowMinutes").asInt()).isEqualTo(120);
        assertThat(schedule.path("nextFireTimes")).hasSize(3);
        for (JsonNode fire : schedule.path("nextFireTimes")) {
            OffsetDateTime t = OffsetDateTime.parse(fire.asText());
            assertThat(t.getOffset()).isEqualTo(ZoneOffset.ofHours(8));
            assertThat(t.getDayOfWeek()).isEqualTo(java.time.DayOfWeek.SUNDAY);
            assertThat(t.getHour()).isEqualTo(2);
        }
        assertThat(schedule.path("nextFireTime").asText()).isEqualTo(schedule.path("nextFireTimes").get(0).asText());
    }

    @Test
    void listGetAndDelete() throws Exception {
        String id = body(postJson("""
                {"targetVersion":"5.1.2.04","acceptRisk":true,"cron":"0 30 3 * * ?","timeZone":"UTC"}""")).path("id").asText();
        JsonNode list = body(get("/api/schedules"));
        assertThat(list.findValuesAsText("id")).contains(id);
        JsonNode one = body(get("/api/schedules/" + id));
        assertThat(one.path("cron").asText()).isEqualTo("0 30 3 * * ?");
        assertThat(one.path("source").asText()).isEqualTo("http");
        assertThat(one.has("lastOutcome")).isFalse();

        assertThat(delete("/api/schedules/" + id).statusCode()).isEqualTo(204);
        HttpResponse<String> gone = get("/api/schedules/" + id);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(body(gone).path("error").asText()).isEqualTo("unknown schedule");
        assertThat(body(get("/api/schedules")).findValuesAsText("id")).doesNotContain(id);
    }

    @Test
    void deletingAnUnknownScheduleIs404() throws Exception {
        HttpResponse<String> response = delete("/api/schedules/sch-nothere");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(body(response).path("error").asText()).isEqualTo("unknown schedule");
    }

    private JsonNode refused(int status, String json) throws Exception {
        HttpResponse<String> response = postJson(json);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return body(response);
    }

    @Test
    void aBadCronIs400WithTheReason() throws Exception {
        JsonNode error = refused(400, """
                {"targetVersion":"5.1.2.04","acceptRisk":true,"cron":"0 0 25 * * ?","timeZone":"UTC"}""");
        assertThat(error.path("error").asText()).isEqualTo("invalid schedule");
        assertThat(error.path("reasons").get(0).asText()).startsWith("cron: \"0 0 25 * * ?\" is not a Quartz cron expression");
    }

    @Test
    void anUnknownTimeZoneIs400() throws Exception {
        JsonNode error = refused(400, """
                {"targetVersion":"5.1.2.04","acceptRisk":true,"cron":"0 0 2 ? * SUN","timeZone":"Mars/Olympus_Mons"}""");
        assertThat(error.path("reasons").toString()).contains("timeZone: unknown time zone \\\"Mars/Olympus_Mons\\\"");
    }

    @Test
    void anUnacceptedRiskIs400() throws Exception {
        JsonNode error = refused(400, """
                {"targetVersion":"5.1.2.04","cron":"0 0 2 ? * SUN","timeZone":"UTC"}""");
        assertThat(error.path("reasons").get(0).asText()).startsWith("acceptRisk: the risk disclaimer must be accepted");
    }

    @Test
    void everyFormProblemIsReportedAtOnce() throws Exception {
        JsonNode error = refused(400, """
                {"targetVersion":"5.1.2","mode":"sideways","acceptRisk":false,"windowMinutes":0}""");
        assertThat(error.path("reasons")).hasSize(5);
    }

    @Test
    void aTimeInThePastIs422() throws Exception {
        JsonNode error = refused(422, """
                {"targetVersion":"5.1.2.04","acceptRisk":true,"at":"2020-12-01T02:00:00+08:00"}""");
        assertThat(error.path("error").asText()).isEqualTo("window in the past");
        assertThat(error.path("reasons").get(0).asText()).startsWith("at: 2020-12-01T02:00:00+08:00 has passed");
    }

    @Test
    void aCronThatNeverFiresAgainIs422() throws Exception {
        JsonNode error = refused(422, """
                {"targetVersion":"5.1.2.04","acceptRisk":true,"cron":"0 0 2 1 1 ? 2020","timeZone":"UTC"}""");
        assertThat(error.path("error").asText()).isEqualTo("window in the past");
    }

    @Test
    void anUnknownVersionIs404() throws Exception {
        JsonNode error = refused(404, """
                {"targetVersion":"9.9.9.99","acceptRisk":true,"cron":"0 0 2 ? * SUN","timeZone":"UTC"}""");
        assertThat(error.path("error").asText()).isEqualTo("unknown version");
    }

    @Test
    void malformedJsonIs400() throws Exception {
        JsonNode error = refused(400, "{\"targetVersion\": ");
        assertThat(error.path("error").asText()).isEqualTo("malformed schedule");
        JsonNode repeated = refused(400, "{\"acceptRisk\":false,\"acceptRisk\":true}");
        assertThat(repeated.path("reasons").get(0).asText()).contains("Duplicate field 'acceptRisk'");
        JsonNode wrongTypes = refused(400, """
                {"targetVersion":"5.1.2.04","acceptRisk":"yes","cron":"0 0 2 ? * SUN","timeZone":"UTC","windowMinutes":"30"}""");
        assertThat(wrongTypes.path("error").asText()).isEqualTo("invalid schedule");
        assertThat(wrongTypes.path("reasons")).extracting(JsonNode::asText).containsExactly(
                "acceptRisk: must be true or false, got a string",
                "windowMinutes: must be a whole number of minutes, got a string");
    }

    @Test
    void anInboxFileOfKindUpgradeScheduleCreatesASchedule() throws Exception {
        NotifyBuilder processed = new NotifyBuilder(context).fromRoute("intake-inbox").whenDone(1).create();
        Files.createDirectories(inbox());
        Path tmp = work.resolve("window.part");
        Files.writeString(tmp, """
                kind: UpgradeSchedule
                targetVersion: "5.1.2.04"
                mode: downtime
                acceptRisk: true
                cron: "0 0 2 ? * SAT"
                timeZone: Europe/Paris
                windowMinutes: 90
                """);
        Files.move(tmp, inbox().resolve("window.yaml"));
        assertThat(processed.matches(20, TimeUnit.SECONDS)).isTrue();
        JsonNode fromInbox = null;
        for (JsonNode schedule : body(get("/api/schedules"))) {
            if (schedule.path("source").asText().equals("inbox:window.yaml")) {
                fromInbox = schedule;
            }
        }
        assertThat(fromInbox).as("schedule from the inbox").isNotNull();
        assertThat(fromInbox.path("mode").asText()).isEqualTo("downtime");
        assertThat(fromInbox.path("timeZone").asText()).isEqualTo("Europe/Paris");
        assertThat(fromInbox.path("windowMinutes").asInt()).isEqualTo(90);
    }
}
