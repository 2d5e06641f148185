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
