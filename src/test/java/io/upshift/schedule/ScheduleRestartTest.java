package io.upshift.schedule;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Schedules survive a restart: the application is stopped before a window opens and started again
 * on the same H2 file database after it opened; Quartz (JDBC job store) fires the missed window late,
 * inside its window.
 */
class ScheduleRestartTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private Path work;
    private Main running;
    private int port;

    private static final String OPERATOR = "restart-operator";
    private static final String PASSWORD = "restart-password-1";

    @BeforeEach
    void createWork() throws IOException {
        work = Files.createTempDirectory("upshift-restart");
        new io.upshift.web.UserFile(work.resolve("users.yaml"))
                .put(OPERATOR, io.upshift.web.Role.OPERATOR, new io.upshift.web.Passwords(1000).hash(PASSWORD));
    }

    @AfterEach
    void stopAndDelete() throws Exception {
        if (running != null) {
            running.stop();
        }
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Starts the real application (application.properties, routes/) on the test's data folder. */
    private void start() throws Exception {
        port = freePort();
        Properties p = new Properties();
        p.setProperty("camel.server.port", String.valueOf(port));
        p.setProperty("upshift.data.dir", work.resolve("data").toString());
        p.setProperty("upshift.db.url", "jdbc:h2:file:" + work.resolve("data/upshift"));
        p.setProperty("upshift.inbox.dir", work.resolve("inbox").toString());
        p.setProperty("upshift.auth.users-file", work.resolve("users.yaml").toString());
        p.setProperty("upshift.sandbox.readiness-delay", "50ms");
        // A stopped instance may hold the trigger it acquired ahead of its fire time (Quartz does not
        // release it on shutdown); a new instance (instanceId AUTO) recovers it once the cluster
        // counts the old one as gone: clusterCheckinInterval + 7.5 s after its last check-in.
        p.setProperty("camel.component.quartz.properties[org.quartz.jobStore.clusterCheckinInterval]", "1000");
        Main main = new Main();
        main.setDefaultPropertyPlaceholderLocation("file:application.properties");
        main.configure().withRoutesIncludePattern("file:routes/*.camel.yaml");
        main.setOverrideProperties(p);
        main.start();
        running = main;
    }

    private void stop() throws Exception {
        running.stop();
        running = null;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        request.header("Authorization", "Basic " + java.util.Base64.getEncoder()
                .encodeToString((OPERATOR + ":" + PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    @Test
    void aWindowDueWhileStoppedOpensAfterTheRestartInsideItsWindow() throws Exception {
        start();
        HttpResponse<String> imported = send(HttpRequest.newBuilder(uri("/api/versions")).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofFile(Path.of("examples/platform-5.1.2.04.yaml"))));
        assertThat(imported.statusCode()).isEqualTo(201);
        Instant at = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
        HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/api/schedules")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"targetVersion":"5.1.2.04","acceptRisk":true,"at":"%s","windowMinutes":30}"""
                        .formatted(OffsetDateTime.ofInstant(at, ZoneOffset.UTC)))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = json.readTree(created.body()).path("id").asText();
        stop();

        await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(at.plusSeconds(1)));
        start();
        JsonNode fired = await().atMost(Duration.ofSeconds(60))
                .until(() -> json.readTree(send(HttpRequest.newBuilder(uri("/api/schedules/" + id)).GET()).body()),
                        schedule -> schedule.has("lastOutcome"));
        assertThat(Instant.parse(fired.path("lastWindowAt").asText())).isEqualTo(at);
        assertThat(fired.path("lastOutcome").asText()).isEqualTo("STARTED " + fired.path("lastUpgradeId").asText());
        assertThat(Instant.parse(fired.path("lastOutcomeAt").asText())).isAfter(at);
    }

    @Test
    void aRecurringScheduleIsStillThereAndFiresAfterARestart() throws Exception {
        start();
        send(HttpRequest.newBuilder(uri("/api/versions")).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofFile(Path.of("examples/platform-5.1.2.04.yaml"))));
        HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/api/schedules")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"targetVersion":"5.1.2.04","acceptRisk":true,"cron":"0 0 4 * * ?","timeZone":"Europe/Berlin"}""")));
        String id = json.readTree(created.body()).path("id").asText();
        stop();

        start();
        JsonNode schedule = json.readTree(send(HttpRequest.newBuilder(uri("/api/schedules/" + id)).GET()).body());
        assertThat(schedule.path("cron").asText()).isEqualTo("0 0 4 * * ?");
        assertThat(OffsetDateTime.parse(schedule.path("nextFireTime").asText()).getHour()).isEqualTo(4);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
