package io.upshift.web;

import java.io.BufferedReader;
import java.io.StringReader;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Login through real HTTP: 401 without credentials, 403 for the wrong role or a missing CSRF token. */
class AccessTest extends UpshiftTestSupport {

    @Test
    void apiWithoutCredentialsIs401WithAChallengeAndJson() throws Exception {
        HttpResponse<String> response = send(null, HttpRequest.newBuilder(uri("/api/versions")));
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"upshift\"");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(body(response).path("error").asText()).isEqualTo("authentication required");
    }

    @Test
    void theConsoleGets401WithoutABrowserPasswordPrompt() throws Exception {
        HttpResponse<String> response = send(null, HttpRequest.newBuilder(uri("/api/versions"))
                .header("X-Requested-With", "XMLHttpRequest"));
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).isEmpty();
    }

    @Test
    void wrongPasswordIs401() throws Exception {
        HttpResponse<String> response = send(null, HttpRequest.newBuilder(uri("/api/versions"))
                .header("Authorization", basic(OPERATOR, "not-the-password")));
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(body(response).path("error").asText()).isEqualTo("wrong user name or password");
        assertThat(send(null, HttpRequest.newBuilder(uri("/api/versions"))
                .header("Authorization", basic("nobody", PASSWORD))).statusCode()).isEqualTo(401);
    }

    @Test
    void healthIsOpenButMetricsAreNot() throws Exception {
        assertThat(send(null, HttpRequest.newBuilder(uri("/observe/health"))).statusCode()).isIn(200, 503);
        assertThat(send(null, HttpRequest.newBuilder(uri("/observe/metrics"))).statusCode()).isEqualTo(401);
        assertThat(get("/observe/metrics").statusCode()).isEqualTo(200);
    }

    @Test
    void aViewerReadsButCannotChangeAnything() throws Exception {
        assertThat(send(VIEWER, HttpRequest.newBuilder(uri("/api/versions"))).statusCode()).isEqualTo(200);
        assertThat(send(VIEWER, HttpRequest.newBuilder(uri("/api/platform"))).statusCode()).isEqualTo(200);

        HttpResponse<String> upload = send(VIEWER, postRequest("/api/versions", "application/yaml",
                example("platform-5.1.2.04.yaml")));
        assertThat(upload.statusCode()).isEqualTo(403);
        assertThat(body(upload).path("error").asText()).isEqualTo("forbidden");
        assertThat(body(upload).path("reasons").get(0).asText()).contains("operator role");

        HttpResponse<String> start = send(VIEWER, postRequest("/api/upgrades", "application/json",
                "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true}".getBytes()));
        assertThat(start.statusCode()).isEqualTo(403);
        assertThat(get("/api/upgrades").body()).isEqualTo("[]");
    }

    @Test
    void consolePagesSendAnonymousBrowsersToTheLogonPage() throws Exception {
        HttpResponse<String> page = send(null, HttpRequest.newBuilder(uri("/console/upgrade.html")));
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValue("/console/login.html?next=%2Fconsole%2Fupgrade.html");
        HttpResponse<String> logon = send(null, HttpRequest.newBuilder(uri("/console/login.html")));
        assertThat(logon.statusCode()).isEqualTo(200);
        assertThat(logon.body()).contains("Log on");
        assertThat(logon.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("default-src 'self'"));
    }

    @Test
    void consoleSessionNeedsTheCsrfTokenToChangeThings() throws Exception {
        CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).build();

        HttpResponse<String> login = browser.send(HttpRequest.newBuilder(uri("/auth/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + OPERATOR + "\",\"password\":\"" + PASSWORD + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(body(login).path("role").asText()).isEqualTo("operator");
        String setCookie = login.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(Access.SESSION_COOKIE + "=")).findFirst().orElseThrow();
        assertThat(setCookie).containsIgnoringCase("HttpOnly").contains("SameSite=Strict");

        HttpResponse<String> page = browser.send(HttpRequest.newBuilder(uri("/console/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("Upgrade Record");
        HttpResponse<String> me = browser.send(HttpRequest.newBuilder(uri("/auth/me")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(body(me).path("name").asText()).isEqualTo(OPERATOR);

        HttpRequest.Builder upload = postRequest("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml"));
        HttpResponse<String> noToken = browser.send(upload.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(body(noToken).path("error").asText()).contains("CSRF");

        HttpResponse<String> forged = browser.send(postRequest("/api/versions", "application/yaml",
                example("platform-5.1.2.04.yaml")).header(Access.CSRF_HEADER, "forged.1.token").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);

        HttpResponse<String> withToken = browser.send(postRequest("/api/versions", "application/yaml",
                example("platform-5.1.2.04.yaml")).header(Access.CSRF_HEADER, csrfToken(cookies)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(withToken.statusCode()).isIn(200, 201);

        HttpResponse<String> logout = browser.send(HttpRequest.newBuilder(uri("/auth/logout"))
                .header(Access.CSRF_HEADER, csrfToken(cookies)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(logout.statusCode()).isEqualTo(204);
        assertThat(browser.send(HttpRequest.newBuilder(uri("/auth/me")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(401);
    }

    @Test
    void aUserAddedWithTheCommandCanLogOnAtOnce() throws Exception {
        int exit = Users.run(new String[] {"add", "late-viewer", "viewer", "--file", usersFile().toString()},
                new BufferedReader(new StringReader("a-long-enough-password\n")), null);
        assertThat(exit).isZero();
        HttpResponse<String> response = send(null, HttpRequest.newBuilder(uri("/api/versions"))
                .header("Authorization", basic("late-viewer", "a-long-enough-password")));
        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void userChangesMadeWithTheCommandAreAuditedOnceWithTheFilesOwner() throws Exception {
        String file = usersFile().toString();
        String owner = java.nio.file.Files.getOwner(usersFile()).getName();
        assertThat(Users.run(new String[] {"add", "audited", "viewer", "--file", file},
                new BufferedReader(new StringReader("a-long-enough-password\n")), null)).isZero();
        awaitAudit("user.add", "audited (viewer)");
        assertThat(Users.run(new String[] {"add", "audited", "operator", "--file", file},
                new BufferedReader(new StringReader("another-long-password\n")), null)).isZero();
        awaitAudit("user.password", "audited");
        awaitAudit("user.role", "audited (viewer -> operator)");
        assertThat(Users.run(new String[] {"remove", "audited", "--file", file},
                new BufferedReader(new StringReader("")), null)).isZero();
        awaitAudit("user.remove", "audited");

        JsonNode rows = body(get("/api/audit?action=user.role"));
        assertThat(rows).hasSize(1); // once, though the file changed three times since
        assertThat(rows.get(0).path("user").asText()).isEqualTo(owner);
        assertThat(rows.get(0).path("address").asText()).isEqualTo("local");
        assertThat(rows.get(0).path("outcome").asText()).isEqualTo("ACCEPTED");
    }

    private void awaitAudit(String action, String object) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .pollInterval(java.time.Duration.ofMillis(50))
                .until(() -> body(get("/api/audit?action=" + action)).findValuesAsText("object"), o -> o.contains(object));
    }

    private static String csrfToken(CookieManager cookies) {
        List<HttpCookie> all = cookies.getCookieStore().getCookies();
        return all.stream().filter(c -> c.getName().equals(Access.CSRF_COOKIE)).map(HttpCookie::getValue)
                .reduce((first, second) -> second).orElseThrow();
    }
}
