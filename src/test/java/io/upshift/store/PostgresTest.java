package io.upshift.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.UpshiftTestSupport;
import io.upshift.upgrade.PlatformLock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The production database: the application on a real PostgreSQL server (migrations, version
 * store, platform lock, records and logs). {@code .ci/run} starts the server and sets
 * {@code UPSHIFT_TEST_POSTGRES_URL}; without it (a developer machine without PostgreSQL) the
 * class is skipped. Each run gets a schema of its own.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class PostgresTest extends UpshiftTestSupport {

    private static final String URL = System.getenv("UPSHIFT_TEST_POSTGRES_URL");

    @Override
    protected Properties settings() {
        Properties p = new Properties();
        if (URL != null) {
            String schema = "upshift_" + UUID.randomUUID().toString().substring(0, 8);
            try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            } catch (Exception e) {
                throw new IllegalStateException("cannot prepare PostgreSQL at " + URL, e);
            }
            p.setProperty("upshift.db.url", URL + "&currentSchema=" + schema);
            p.setProperty("upshift.db.user", "postgres");
        }
        return p;
    }

    @Override
    public void configureContext(org.apache.camel.test.junit5.CamelContextConfiguration config) {
        assumeTrue(URL != null, "UPSHIFT_TEST_POSTGRES_URL is not set (.ci/run sets it)");
        super.configureContext(config);
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void aWholeUpgradeRunsOnPostgres() throws Exception {
        assertThat(post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml")).statusCode()).isEqualTo(201);
        assertThat(post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml")).statusCode()).isEqualTo(200);
        String id = body(postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true}",
                "Idempotency-Key", "pg-1")).path("id").asText();
        JsonNode done = awaitUpgrade(id, "SUCCEEDED");
        assertThat(done.path("progress").path("percent").asInt()).isEqualTo(100);
        assertThat(get("/api/upgrades/" + id + "/logs").body()).contains("ended SUCCEEDED");
        assertThat(body(get("/api/platform")).path("currentVersion").asText()).isEqualTo("5.1.2.04");
        assertThat(body(postJson("/api/upgrades", "{}", "Idempotency-Key", "pg-1")).path("id").asText()).isEqualTo(id);
    }

    /** After the upgrade above: the platform runs 5.1.2.04, the window upgrades it to 5.2.0.01. */
    @Test
    @org.junit.jupiter.api.Order(2)
    void aScheduledWindowFiresFromTheQuartzTablesOnPostgres() throws Exception {
        post("/api/versions", "application/yaml", example("platform-5.2.0.01.yaml"));
        String at = java.time.OffsetDateTime.now().plusSeconds(2).withNano(0).toString();
        var created = postJson("/api/schedules", "{\"targetVersion\":\"5.2.0.01\",\"acceptRisk\":true,\"at\":\"" + at
                + "\",\"windowMinutes\":30}");
        assertThat(created.statusCode()).isEqualTo(201);
        String id = body(created).path("id").asText();
        JsonNode fired = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> body(get("/api/schedules/" + id)), schedule -> schedule.has("lastOutcome"));
        assertThat(fired.path("lastOutcome").asText()).startsWith("STARTED upg-");
        awaitUpgrade(fired.path("lastUpgradeId").asText(), "SUCCEEDED");
        try (Connection c = DriverManager.getConnection(URL); Statement st = c.createStatement()) {
            var rs = st.executeQuery("SELECT count(*) FROM information_schema.tables WHERE lower(table_name) = 'qrtz_triggers'");
            rs.next();
            assertThat(rs.getInt(1)).isGreaterThan(0);
        }
    }

    @Test
    void exactlyOneOfTwentyConcurrentTakersGetsThePlatformLock() throws Exception {
        PlatformLock lock = context.getRegistry().lookupByNameAndType("platformLease", PlatformLock.class);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            for (int round = 0; round < 5; round++) {
                String key = "race-" + round;
                CountDownLatch go = new CountDownLatch(1);
                List<CompletableFuture<Optional<String>>> takes = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String holder = "upgrade-" + i;
                    takes.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            go.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return lock.tryAcquire(key, holder);
                    }, pool));
                }
                go.countDown();
                long winners = takes.stream().map(CompletableFuture::join).filter(Optional::isEmpty).count();
                assertThat(winners).as("round " + round).isEqualTo(1);
            }
        } finally {
            pool.shutdown();
        }
    }
}
