package io.upshift.config;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/** /observe/health answers for the database and the Kubernetes API too, without a login. */
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
        body(send(null, HttpRequest.newBuilder(uri("/observe/health")).GET())).path("checks")
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
        assertThat(send(null, HttpRequest.newBuilder(uri("/observe/health/ready")).GET()).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void downWhenTheDatabaseIsGone() throws Exception {
        context.getRegistry().lookupByNameAndType("dataSource", HikariDataSource.class).close();
        assertThat(states()).containsEntry("database", "DOWN");
        HttpResponse<String> health = send(null, HttpRequest.newBuilder(uri("/observe/health")).GET());
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).contains("DOWN", "database");
        // the readiness probe takes the replica out of the Service; the liveness probe does not restart it
        assertThat(send(null, HttpRequest.newBuilder(uri("/observe/health/ready")).GET()).statusCode()).isEqualTo(503);
        assertThat(send(null, HttpRequest.newBuilder(uri("/observe/health/live")).GET()).statusCode()).isEqualTo(200);
    }
}
