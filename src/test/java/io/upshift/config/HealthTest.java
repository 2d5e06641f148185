package io.upshift.config;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * /observe/health answers for the database and the Kubernetes API too: status only without a login,
 * details (check names, messages) with one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthTest extends UpshiftTestSupport {

    @Override
    protected java.util.Properties settings() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("camel.health.exposure-level", "full");
        return p;
    }

    /** Every check's state, as /observe/health lists them at the full exposure level. */
    private Map<String, String> states() throws Exception {
        Map<String, String> states = new java.util.HashMap<>();
        body(get("/observe/health")).path("checks")
                .forEach(c -> states.put(c.path("name").asText(), c.path("status").asText()));
        return states;
    }

    @Test
    @Order(1)
    void upWithTheDatabaseAndTheClusterReachable() throws Exception {
        // the inbox consumer reports UP after its first poll
        HttpResponse<String> health = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> send(null, HttpRequest.newBuilder(uri("/observe/health")).GET()), r -> r.statusCode() == 200);
        assertThat(states()).containsEntry("database", "UP").containsEntry("kubernetes", "UP");
        assertThat(body(health).path("status").asText()).isEqualTo("UP");
        assertThat(states()).containsEntry("api", "UP");
        for (String path : new String[] {"/observe/health/live", "/observe/health/ready",
                "/observe/health?exposureLevel=full&stackTrace=true&data=true"}) {
            HttpResponse<String> anonymous = send(null, HttpRequest.newBuilder(uri(path)).GET());
            assertThat(anonymous.statusCode()).as(path).isEqualTo(200);
            assertThat(anonymous.body()).as(path).isEqualTo("{\"status\":\"UP\"}");
        }
    }

    @Test
    @Order(2)
    void downWhenTheDatabaseIsGone() throws Exception {
        // the pool behind the statement counter (closing the counter closes the pool it wraps)
        ((java.io.Closeable) context.getRegistry().lookupByNameAndType("dataSource", javax.sql.DataSource.class)).close();
        assertThat(states()).containsEntry("database", "DOWN");
        HttpResponse<String> health = get("/observe/health");
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).contains("DOWN", "database");

        // anonymous: the same state (once the shared answer, at most upshift.health.anonymous-max-age
        // old, is renewed), no names, no messages (they can carry hosts and URLs), whatever is asked for
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            for (String path : new String[] {"/observe/health", "/observe/health/ready",
                    "/observe/health?exposureLevel=full&stackTrace=true&data=true"}) {
                HttpResponse<String> anonymous = send(null, HttpRequest.newBuilder(uri(path)).GET());
                assertThat(anonymous.statusCode()).as(path).isEqualTo(503);
                assertThat(anonymous.body()).as(path).isEqualTo("{\"status\":\"DOWN\"}");
            }
        });
        // the readiness probe takes the replica out of the Service; the liveness probe does not restart it
        HttpResponse<String> live = send(null, HttpRequest.newBuilder(uri("/observe/health/live")).GET());
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).isEqualTo("{\"status\":\"UP\"}");
    }
}
