package io.upshift.web;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;

import javax.sql.DataSource;

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
