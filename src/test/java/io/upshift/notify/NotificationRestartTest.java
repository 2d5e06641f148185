package io.upshift.notify;

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
import java.util.Comparator;
import java.util.List;
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
 * A receiver that is down for 20 s while an upgrade runs, and Upshift restarted meanwhile: once the
 * receiver is back, it gets every event, once each and in order (the outbox and the attempts made
 * are in the database; the restarted process carries on with the backoff).
 */
class NotificationRestartTest {

    private static final String OPERATOR = "notify-operator";
    private static final String PASSWORD = "notify-password-1";
    private static final Duration DOWN = Duration.ofSeconds(20);

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final WebhookReceiver receiver = new WebhookReceiver();
    private Path work;
    private Main running;
    private int port;

    @BeforeEach
    void createWork() throws IOException {
        work = Files.createTempDirectory("upshift-notify");
        new io.upshift.web.UserFile(work.resolve("users.yaml"))
                .put(OPERATOR, io.upshift.web.Role.OPERATOR, new io.upshift.web.Passwords(1000).hash(PASSWORD));
    }

    @AfterEach
    void stopAndDelete() throws Exception {
        if (running != null) {
            running.stop();
        }
        receiver.close();
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aReceiverDownFor20sGetsEveryEventInOrderAcrossARestart() throws Exception {
        start();
        assertThat(send(HttpRequest.newBuilder(uri("/api/versions")).header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofFile(Path.of("examples/platform-5.1.2.04.yaml")))).statusCode())
                .isEqualTo(201);
        Instant back = Instant.now().plus(DOWN);
        receiver.downUntil(back);
        HttpResponse<String> accepted = send(HttpRequest.newBuilder(uri("/api/upgrades"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true}")));
        assertThat(accepted.statusCode()).isEqualTo(202);
        String id = json.readTree(accepted.body()).path("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> json.readTree(send(HttpRequest.newBuilder(
                uri("/api/upgrades/" + id)).GET()).body()).path("state").asText().equals("SUCCEEDED"));
        // the receiver refused the first event at least twice: the backoff is at work
        await().atMost(DOWN).until(() -> receiver.refused() >= 2);
        assertThat(receiver.received()).isEmpty();
        stop();

        start();
        List<WebhookReceiver.Received> events = await().atMost(Duration.ofSeconds(90))
                .until(() -> receiver.of(id, "/hook"), r -> r.size() == 6);
        assertThat(events).extracting(WebhookReceiver.Received::event).containsExactly("upgrade.accepted",
                "upgrade.started", "upgrade.stage", "upgrade.stage", "upgrade.stage", "upgrade.succeeded");
        assertThat(events).allSatisfy(r -> assertThat(r.at()).isAfterOrEqualTo(back));
        assertThat(events).extracting(r -> r.json().path("id").asLong()).isSorted().doesNotHaveDuplicates();
        JsonNode deliveries = json.readTree(send(HttpRequest.newBuilder(uri("/api/notifications/deliveries")).GET()).body());
        assertThat(deliveries).hasSize(6);
        assertThat(deliveries.findValuesAsText("state")).containsOnly("DELIVERED");
        // the first event waited out the whole outage: several attempts, on both sides of the restart
        assertThat(deliveries.get(5).path("attempts").asInt()).isGreaterThan(2);
    }

    private void start() throws Exception {
        port = freePort();
        Properties p = new Properties();
        p.setProperty("camel.server.port", String.valueOf(port));
        p.setProperty("upshift.data.dir", work.resolve("data").toString());
        p.setProperty("upshift.db.url", "jdbc:h2:file:" + work.resolve("data/upshift"));
        p.setProperty("upshift.inbox.dir", work.resolve("inbox").toString());
        p.setProperty("upshift.auth.users-file", work.resolve("users.yaml").toString());
        p.setProperty("upshift.sandbox.readiness-delay", "20ms");
        p.setProperty("upshift.notify.hook.url", receiver.url("/hook"));
        // short backoff, many attempts: the outage (20 s) and the restart fit within them
        p.setProperty("upshift.notify.attempts", "40");
        p.setProperty("upshift.notify.initial-delay", "200ms");
        p.setProperty("upshift.notify.max-delay", "2s");
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
