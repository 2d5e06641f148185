package io.upshift.web;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;

import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Finding 10: a session ends when its user's password changes, and at its absolute lifetime however active. */
class SessionLifetimeTest extends UpshiftTestSupport {

    @Override
    protected Properties settings() {
        Properties p = new Properties();
        p.setProperty("upshift.auth.session-max-age", "3s");
        return p;
    }

    private HttpClient logOn(String user, String password) throws Exception {
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL)).build();
        HttpResponse<String> logon = browser.send(postRequest("/auth/login", "application/json",
                ("{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}").getBytes()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(logon.statusCode()).isEqualTo(200);
        return browser;
    }

    private int me(HttpClient browser) throws Exception {
        return browser.send(HttpRequest.newBuilder(uri("/auth/me")).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void aPasswordChangeEndsTheUsersSessions() throws Exception {
        UserFile users = new UserFile(usersFile());
        users.put("changing", Role.VIEWER, new Passwords(1000).hash("first-password-1"));
        HttpClient browser = logOn("changing", "first-password-1");
        assertThat(me(browser)).isEqualTo(200);
        HttpClient api = HttpClient.newHttpClient();
        HttpRequest basic = HttpRequest.newBuilder(uri("/api/versions")).header("Authorization",
                basic("changing", "first-password-1")).build();
        assertThat(api.send(basic, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        users.put("changing", Role.VIEWER, new Passwords(1000).hash("second-password-2"));
        assertThat(me(browser)).isEqualTo(401);
        // the old password is not remembered as right either
        assertThat(api.send(basic, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(me(logOn("changing", "second-password-2"))).isEqualTo(200);
    }

    @Test
    void aSessionEndsAtItsAbsoluteLifetimeHoweverActive() throws Exception {
        HttpClient browser = logOn(VIEWER, PASSWORD);
        long start = System.nanoTime();
        assertThat(me(browser)).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> me(browser) == 401);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }
}
