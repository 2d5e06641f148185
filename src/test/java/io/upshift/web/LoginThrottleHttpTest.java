package io.upshift.web;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Repeated failed logins are answered 429 for a while for that user from that address, even with
 * the right password then; the same user from another address is never locked out (finding 6).
 */
class LoginThrottleHttpTest extends UpshiftTestSupport {

    @Override
    protected Properties settings() {
        Properties p = new Properties();
        p.setProperty("upshift.auth.throttle.free-attempts", "3");
        p.setProperty("upshift.auth.throttle.base-delay", "500");
        p.setProperty("upshift.auth.throttle.max-delay", "2000");
        return p;
    }

    private HttpResponse<String> login(String password) throws Exception {
        return send(null, postRequest("/auth/login", "application/json",
                ("{\"username\":\"" + VIEWER + "\",\"password\":\"" + password + "\"}").getBytes()));
    }

    @Test
    void repeatedFailuresAreSlowedForLogonAndBasicButNotFromAnotherAddress() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(login("wrong-" + i).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> refused = login(PASSWORD);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(body(refused).path("error").asText()).isEqualTo("too many failed logins");
        assertThat(send(VIEWER, HttpRequest.newBuilder(uri("/api/versions"))).statusCode()).isEqualTo(429);

        // the attacker's failures do not lock the viewer out on another machine
        RawResponse elsewhere = sendFrom("127.0.0.2", "GET", "/api/versions",
                Map.of("Authorization", basic(VIEWER, PASSWORD)), null);
        assertThat(elsewhere.status()).isEqualTo(200);
        RawResponse logonElsewhere = sendFrom("127.0.0.2", "POST", "/auth/login", Map.of("Content-Type",
                "application/json"), "{\"username\":\"" + VIEWER + "\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(logonElsewhere.status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> login(PASSWORD).statusCode() == 200);
    }
}
