package io.upshift.web;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Properties;

import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Wrong tokens are throttled per client address like wrong passwords: 429, even for a good token then. */
class TokenThrottleTest extends UpshiftTestSupport {

    @Override
    protected Properties settings() {
        Properties p = new Properties();
        p.setProperty("upshift.auth.throttle.free-attempts", "3");
        p.setProperty("upshift.auth.throttle.base-delay", "60000");
        return p;
    }

    private HttpResponse<String> withToken(String token) throws Exception {
        return http.send(HttpRequest.newBuilder(uri("/api/versions")).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void failedTokensFromOneAddressAreSlowedDown() throws Exception {
        HttpResponse<String> created = post("/api/tokens", "application/json", "{\"name\":\"good\"}".getBytes());
        String good = body(created).path("token").asText();
        assertThat(withToken(good).statusCode()).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            assertThat(withToken("upshift_guess" + i).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> refused = withToken(good);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("60");
        assertThat(body(refused).path("error").asText()).isEqualTo("too many requests");
    }
}
