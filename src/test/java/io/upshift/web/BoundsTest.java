package io.upshift.web;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;

import javax.sql.DataSource;

import io.upshift.CapturedLog;
import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Findings 5 and 14 through real HTTP: paging and cron bounds answer 4xx, not 500; schedules store no Java serialization. */
class BoundsTest extends UpshiftTestSupport {

    @Test
    void pagingAndLogPositionsOutOfRangeAre400() throws Exception {
        for (String path : new String[] {"/api/upgrades?page=2147483647&size=200", "/api/upgrades?page=0",
                "/api/upgrades?size=201", "/api/upgrades?page=abc", "/api/upgrades/any/logs?after=99999999999999",
                "/api/upgrades/any/logs?after=-1"}) {
            HttpResponse<String> answer = get(path);
            assertThat(answer.statusCode()).as(path).isEqualTo(400);
            assertThat(body(answer).path("reasons").get(0).asText()).as(path).contains("must be a whole number from");
        }
        assertThat(get("/api/upgrades?page=1000000&size=200").statusCode()).isEqualTo(200);
    }

    /** Finding 11: a huge, broken version config gets a bounded answer: at most 5,000 services, 100 reasons. */
    @Test
    void aHugeBrokenVersionConfigGetsABoundedAnswer() throws Exception {
        StringBuilder yaml = new StringBuilder("version: 5.1.2.77\nservices:\n");
        for (int i = 0; i < 6000; i++) {
            yaml.append("  - name: s").append(i).append("\n    image: r/s:1\n    dependsOn: [")
                    .append("u".repeat(70)).append(i).append("]\n");
        }
        HttpResponse<String> answer;
        try (CapturedLog log = new CapturedLog()) {
            answer = post("/api/versions", "application/yaml", yaml.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            // the refusal's log line lists the capped reasons, not 6,000 of them
            assertThat(log.lines()).filteredOn(line -> line.contains("rejected with 422")).isNotEmpty()
                    .allSatisfy(line -> assertThat(line.length()).isLessThan(64 * 1024));
        }
        assertThat(answer.statusCode()).isEqualTo(422);
        com.fasterxml.jackson.databind.JsonNode reasons = body(answer).path("reasons");
        assertThat(reasons.size()).isEqualTo(io.upshift.RejectedException.MAX_REASONS + 1);
        assertThat(reasons.get(reasons.size() - 1).asText()).matches("and \\d+ more");
        assertThat(reasons.get(0).asText()).contains("at most 5,000 items");
        assertThat(answer.body().length()).isLessThan(64 * 1024);
    }

    /** Finding 13 (the strict reader is issue 10's): duplicate keys, extra documents and oversize bodies are refused. */
    @Test
    void everyDocumentIsReadStrictly() throws Exception {
        assertThat(post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml")).statusCode()).isIn(200, 201);
        HttpResponse<String> duplicate = postJson("/api/upgrades?dryRun=true",
                "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":false,\"acceptRisk\":true}");
        assertThat(duplicate.statusCode()).isEqualTo(400);
        HttpResponse<String> twoDocuments = post("/api/schedules", "application/yaml", ("targetVersion: 5.1.2.04\n"
                + "acceptRisk: false\ncron: 0 0 2 ? * SUN\ntimeZone: UTC\n---\nacceptRisk: true\n").getBytes());
        assertThat(twoDocuments.statusCode()).isEqualTo(400);
        byte[] huge = ("{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true,\"cron\":\"0 0 2 ? * SUN\",\"timeZone\":\"UTC\","
                + "\"x\":\"" + "y".repeat(2 * 1024 * 1024) + "\"}").getBytes();
        assertThat(post("/api/schedules", "application/json", huge).statusCode()).isEqualTo(413);
        assertThat(get("/api/schedules").body()).isEqualTo("[]");
    }

    @Test
    void aCronFiringEverySecondIsRefused() throws Exception {
        HttpResponse<String> answer = postJson("/api/schedules", """
                {"targetVersion":"5.1.2.04","acceptRisk":true,"cron":"* * * * * ?","timeZone":"UTC"}""");
        assertThat(answer.statusCode()).isEqualTo(422);
        assertThat(body(answer).path("error").asText()).isEqualTo("windows too frequent");
        assertThat(body(answer).path("reasons").get(0).asText()).contains("1 s apart", "upshift.schedule.min-interval");
    }

    @Test
    void scheduleJobDataIsStoredAsPropertiesNotJavaSerialization() throws Exception {
        assertThat(post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml")).statusCode()).isIn(200, 201);
        HttpResponse<String> created = postJson("/api/schedules", """
                {"targetVersion":"5.1.2.04","acceptRisk":true,"cron":"0 0 2 ? * SUN","timeZone":"UTC"}""");
        assertThat(created.statusCode()).isEqualTo(201);
        DataSource data = context.getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        try (Connection c = data.getConnection();
                ResultSet rows = c.createStatement().executeQuery("SELECT JOB_DATA FROM QRTZ_JOB_DETAILS")) {
            int jobs = 0;
            while (rows.next()) {
                byte[] bytes;
                try (InputStream in = rows.getBinaryStream(1)) {
                    bytes = in.readAllBytes();
                }
                assertThat(bytes.length).isGreaterThan(2);
                assertThat(bytes[0] == (byte) 0xAC && bytes[1] == (byte) 0xED).as("Java serialization magic").isFalse();
                assertThat(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("scheduleId=");
                jobs++;
            }
            assertThat(jobs).isPositive();
        }
    }
}
