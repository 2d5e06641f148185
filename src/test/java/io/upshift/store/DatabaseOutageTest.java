package io.upshift.store;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.CapturedLog;
import io.upshift.TcpRelay;
import io.upshift.UpshiftTestSupport;
import io.upshift.lifecycle.Reconciler;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The database unreachable for 10 s in the middle of an upgrade (issue 19), with real parts: H2 as a TCP
 * server, reached through a {@link TcpRelay} the test cuts (every connection closed, new ones refused) and
 * restores. The upgrade pauses at its first write that fails (no step is judged on a write that was lost, none
 * starts), readiness says the database is down, and once it answers again the upgrade is reconciled from what is
 * stored and what the cluster reports and runs to its end, each service rolled once.
 */
class DatabaseOutageTest extends UpshiftTestSupport {

    private static final String PASSWORD = "outage-db-pw-7f3a9c";
    private static final Duration OUTAGE = Duration.ofSeconds(10);

    private Server h2;
    private TcpRelay relay;

    @Override
    protected Properties settings() {
        Properties p = new Properties();
        try {
            Path base = Files.createTempDirectory("upshift-h2");
            int h2Port;
            try (ServerSocket free = new ServerSocket(0)) {
                h2Port = free.getLocalPort();
            }
            h2 = Server.createTcpServer("-tcpPort", String.valueOf(h2Port), "-baseDir", base.toString(), "-ifNotExists")
                    .start();
            relay = new TcpRelay(h2Port);
        } catch (IOException | java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        p.setProperty("upshift.db.url", "jdbc:h2:tcp://127.0.0.1:" + relay.port() + "/upshift;WRITE_DELAY=0");
        p.setProperty("upshift.db.password", PASSWORD);
        p.setProperty("upshift.db.connection-timeout", "1s");
        p.setProperty("upshift.db.outage-retry", "200ms");
        p.setProperty("upshift.db.outage-max-retry", "1s");
        // a step lasts long enough for the outage to begin while steps are in flight
        p.setProperty("upshift.sandbox.readiness-delay", "1500ms");
        return p;
    }

    @AfterAll
    void stopDatabase() throws IOException {
        relay.close();
        h2.stop();
    }

    @Test
    void anUpgradePausesWhileTheDatabaseIsUnreachableAndRunsToItsEndOnceItAnswers() throws Exception {
        String from = body(get("/api/platform")).path("currentVersion").asText();
        String target = "5.1.2.77";
        String config = new String(example("platform-5.1.2.04.yaml")).replace("5.1.2.04", target);
        assertThat(post("/api/versions", "application/yaml", config.getBytes()).statusCode()).isIn(200, 201);
        Reconciler reconciler = context.getRegistry().lookupByNameAndType("reconciler", Reconciler.class);

        try (CapturedLog log = new CapturedLog()) {
            HttpResponse<String> accepted = postJson("/api/upgrades",
                    "{\"targetVersion\":\"" + target + "\",\"acceptRisk\":true}");
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            String id = body(accepted).path("id").asText();
            // cut once the first service is recorded done and its dependents roll
            await().atMost(Duration.ofSeconds(30)).until(() -> service(id, "config-center").path("state").asText()
                    .equals("SUCCEEDED"));

            long cutAt = System.nanoTime();
            relay.cut();
            await().atMost(Duration.ofSeconds(20)).until(() -> reconciler.paused().contains(id));
            await().atMost(Duration.ofSeconds(10)).until(() -> status("/observe/health/ready") == 503);
            assertThat(get("/observe/health/ready").body()).contains("database");
            HttpResponse<String> during = get("/api/upgrades/" + id);
            assertThat(during.statusCode()).as(during.body()).isEqualTo(503);
            assertThat(body(during).path("code").asText()).isEqualTo("STORAGE_UNAVAILABLE");
            // the outage lasts its 10 s; the steps in flight finish in the cluster meanwhile, and none starts after
            // the pause: web-console (the last of five levels) is never reached
            await().atMost(OUTAGE.plusSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> System.nanoTime() - cutAt >= OUTAGE.toNanos());
            assertThat(reconciler.paused()).contains(id);
            assertThat(image("web-console")).endsWith(":" + from);
            relay.restore();

            JsonNode ended = awaitUpgrade(id, "SUCCEEDED");
            for (JsonNode service : ended.path("services")) {
                // a step that finished while its end could not be written is found at its target when reconciled
                assertThat(service.path("state").asText()).as(service.toString()).isIn("SUCCEEDED", "ALREADY_AT_TARGET");
                assertThat(image(service.path("deployment").asText())).endsWith(":" + target);
                // nothing double-counted: one pass per service, whether its step ended before, during or after the outage
                assertThat(service.path("phases")).as(service.toString()).hasSize(1);
            }
            assertThat(reconciler.paused()).isEmpty();
            assertThat(body(get("/api/platform")).path("upgradeInProgress").isNull()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> status("/observe/health/ready") == 200);
            assertThat(log.text()).contains("Upgrade " + id + " paused: the database cannot be reached")
                    .contains("Upgrade " + id + ": the database answers again").doesNotContain(PASSWORD);
        }
    }

    private JsonNode service(String id, String name) throws Exception {
        for (JsonNode s : body(get("/api/upgrades/" + id)).path("services")) {
            if (s.path("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no service " + name);
    }

    private int status(String path) throws Exception {
        return http.send(java.net.http.HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
