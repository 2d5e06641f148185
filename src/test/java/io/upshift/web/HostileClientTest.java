package io.upshift.web;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.CapturedLog;
import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a hostile client can send through real HTTP, one test per finding of the security review
 * (issue 17): each asserts the refusal or what the user sees.
 */
class HostileClientTest extends UpshiftTestSupport {

    private static final String UPGRADE = "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true}";

    /** Finding 2: a page elsewhere cannot make a browser with remembered Basic credentials start anything. */
    @Test
    void crossSiteRequestsAreRefusedEvenWithBasicCredentials() throws Exception {
        post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml"));
        HttpResponse<String> fromElsewhere = send(OPERATOR, postRequest("/api/upgrades?dryRun=true", "application/json",
                UPGRADE.getBytes()).header("Origin", "https://evil.example").header("Sec-Fetch-Site", "cross-site"));
        assertThat(fromElsewhere.statusCode()).isEqualTo(403);
        assertThat(body(fromElsewhere).path("error").asText()).isEqualTo("cross-site request refused");
        HttpResponse<String> otherOrigin = send(OPERATOR, postRequest("/api/upgrades?dryRun=true", "application/json",
                UPGRADE.getBytes()).header("Origin", "http://localhost:1"));
        assertThat(otherOrigin.statusCode()).isEqualTo(403);
        // a form can send text/plain without asking first: bodies must be JSON or YAML
        HttpResponse<String> formPost = send(OPERATOR, postRequest("/api/upgrades?dryRun=true", "text/plain",
                UPGRADE.getBytes()));
        assertThat(formPost.statusCode()).isEqualTo(415);
        HttpResponse<String> noType = send(OPERATOR, postRequest("/api/upgrades?dryRun=true", null, UPGRADE.getBytes()));
        assertThat(noType.statusCode()).isEqualTo(415);
        // the same request from this site, or from a script, works
        HttpResponse<String> sameSite = send(OPERATOR, postRequest("/api/upgrades?dryRun=true", "application/json",
                UPGRADE.getBytes()).header("Origin", "http://localhost:" + port).header("Sec-Fetch-Site", "same-origin"));
        // (200, or 409 once another test has upgraded the platform to 5.1.2.04: either way not refused here)
        assertThat(sameSite.statusCode()).as(sameSite.body()).isIn(200, 409);
        assertThat(sameSite.body()).doesNotContain("cross-site", "content type");
    }

    /** Finding 2: a browser navigation is never challenged, so it never remembers Basic credentials. */
    @Test
    void browserNavigationsAreNeverChallengedForBasic() throws Exception {
        HttpResponse<String> navigation = send(null, HttpRequest.newBuilder(uri("/api/versions"))
                .header("Accept", "text/html,application/xhtml+xml").header("Sec-Fetch-Mode", "navigate"));
        assertThat(navigation.statusCode()).isEqualTo(401);
        assertThat(navigation.headers().firstValue("WWW-Authenticate")).isEmpty();
        HttpResponse<String> script = send(null, HttpRequest.newBuilder(uri("/api/versions")));
        assertThat(script.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"upshift\"");
    }

    /** Finding 16: the logon form takes no cross-site post either. */
    @Test
    void theLogonTakesNoCrossSitePost() throws Exception {
        HttpResponse<String> form = send(null, postRequest("/auth/login", "application/x-www-form-urlencoded",
                ("username=" + OPERATOR + "&password=" + PASSWORD).getBytes()));
        assertThat(form.statusCode()).isEqualTo(415);
        HttpResponse<String> crossSite = send(null, postRequest("/auth/login", "application/json",
                ("{\"username\":\"" + OPERATOR + "\",\"password\":\"" + PASSWORD + "\"}").getBytes())
                .header("Origin", "https://evil.example"));
        assertThat(crossSite.statusCode()).isEqualTo(403);
        assertThat(crossSite.headers().allValues("Set-Cookie")).isEmpty();
    }

    /** Finding 16: no MIME sniffing and a Content-Security-Policy on every answer, not only the console's. */
    @Test
    void everyAnswerCarriesNosniffAndAContentSecurityPolicy() throws Exception {
        for (HttpResponse<String> answer : java.util.List.of(get("/api/versions"), get("/no/such/page"),
                send(null, HttpRequest.newBuilder(uri("/api/versions"))), send(null, HttpRequest.newBuilder(uri("/observe/health"))),
                send(null, HttpRequest.newBuilder(uri("/console/login.html"))),
                send(OPERATOR, postRequest("/api/upgrades?dryRun=true", "text/plain", UPGRADE.getBytes())),
                send(OPERATOR, postRequest("/api/upgrades?dryRun=true", "application/json", UPGRADE.getBytes())
                        .header("Origin", "https://evil.example")))) {
            assertThat(answer.headers().firstValue("X-Content-Type-Options")).as(answer.uri().toString()).hasValue("nosniff");
            assertThat(answer.headers().firstValue("Content-Security-Policy")).as(answer.uri().toString())
                    .hasValueSatisfying(csp -> assertThat(csp).contains("frame-ancestors 'none'"));
        }
    }

    /** Finding 7: no response header comes from the query string or the request. */
    @Test
    void responseHeadersNeverComeFromTheRequest() throws Exception {
        HttpResponse<String> answer = send(OPERATOR, HttpRequest.newBuilder(uri("/api/versions?Set-Cookie=XSRF-TOKEN%3Dx"
                + "&Cache-Control=public&Location=https://evil.example&Content-Disposition=attachment&Retry-After=9"))
                .header("Set-Cookie", "XSRF-TOKEN=y").header("Location", "https://evil.example"));
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().map().keySet()).doesNotContain("set-cookie", "location", "content-disposition",
                "retry-after");
        assertThat(answer.headers().allValues("Cache-Control")).doesNotContain("public");
    }

    /** Finding 9: the caller is who logged on, whatever the query says; internal headers cannot be set. */
    @Test
    void internalHeadersFromTheClientAreDropped() throws Exception {
        post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml"));
        HttpResponse<String> started = send(OPERATOR, postRequest("/api/upgrades?UpshiftUser=mallory%0AWARN%20forged"
                + "&UpshiftReplay=true&UpshiftTrigger=schedule", "application/json", UPGRADE.getBytes())
                .header("UpshiftUser", "mallory").header("UpshiftReplay", "true"));
        assertThat(started.statusCode()).isEqualTo(202);
        JsonNode record = body(started);
        assertThat(record.path("requestedBy").asText()).isEqualTo(OPERATOR);
        assertThat(record.path("trigger").asText()).isEqualTo("http");
        awaitUpgrade(record.path("id").asText(), "SUCCEEDED");
        HttpResponse<String> otherId = get("/api/upgrades/" + record.path("id").asText() + "?id=nope");
        assertThat(body(otherId).path("id").asText()).isEqualTo(record.path("id").asText());
    }

    /** Finding 8: credentials never reach a route, so no failing route can log them. */
    @Test
    void aFailingRequestLogsNoCredential() throws Exception {
        CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).build();
        assertThat(browser.send(postRequest("/auth/login", "application/json", ("{\"username\":\"" + OPERATOR
                + "\",\"password\":\"" + PASSWORD + "\"}").getBytes()).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);
        String session = cookies.getCookieStore().getCookies().stream()
                .filter(c -> c.getName().equals(Access.SESSION_COOKIE)).map(HttpCookie::getValue).findFirst().orElseThrow();
        try (CapturedLog log = new CapturedLog()) {
            // an upgrade to an unknown version, a malformed version config, a 404: failures logged by the routes
            send(OPERATOR, postRequest("/api/upgrades", "application/json",
                    "{\"targetVersion\":\"9.9.9.99\",\"acceptRisk\":true}".getBytes()).header("Cookie", "upshift.session=" + session));
            send(OPERATOR, postRequest("/api/versions", "application/yaml", "version: [".getBytes())
                    .header("X-XSRF-TOKEN", "token-value-1"));
            send(OPERATOR, HttpRequest.newBuilder(uri("/api/upgrades/nope")));
            assertThat(log.text()).contains("rejected");
            assertThat(log.text()).doesNotContain(PASSWORD, basic(OPERATOR, PASSWORD).substring(6), session,
                    "token-value-1", "Authorization");
        }
    }

    /** Finding 12: a value from the client cannot start a log line of its own. */
    @Test
    void loggedValuesCannotForgeLogLines() throws Exception {
        try (CapturedLog log = new CapturedLog()) {
            get("/api/versions/1%0AWARN%20fake%0D%0Aline");
            send(null, HttpRequest.newBuilder(uri("/api/versions")).header("Authorization",
                    basic("eve\nWARN forged", "x")));
            // the lines about these two requests (other threads may log stack traces meanwhile)
            List<String> ours = log.lines().stream().filter(line -> line.contains("fake") || line.contains("eve")).toList();
            assertThat(ours).hasSizeGreaterThanOrEqualTo(2);
            assertThat(ours).allSatisfy(line -> assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1));
            assertThat(log.lines()).noneMatch(line -> line.startsWith("WARN"));
        }
    }

    /** Finding 10: a viewer can log off, and the session is over then. */
    @Test
    void aViewerCanLogOff() throws Exception {
        CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        HttpClient browser = HttpClient.newBuilder().cookieHandler(cookies).build();
        assertThat(browser.send(postRequest("/auth/login", "application/json", ("{\"username\":\"" + VIEWER
                + "\",\"password\":\"" + PASSWORD + "\"}").getBytes()).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);
        String token = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(Access.CSRF_COOKIE))
                .map(HttpCookie::getValue).reduce((a, b) -> b).orElse(null);
        if (token == null) { // the token cookie comes with the first page
            browser.send(HttpRequest.newBuilder(uri("/auth/me")).build(), HttpResponse.BodyHandlers.ofString());
            token = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(Access.CSRF_COOKIE))
                    .map(HttpCookie::getValue).reduce((a, b) -> b).orElseThrow();
        }
        HttpResponse<String> logout = browser.send(HttpRequest.newBuilder(uri("/auth/logout")).header(Access.CSRF_HEADER, token)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(logout.statusCode()).isEqualTo(204);
        assertThat(browser.send(HttpRequest.newBuilder(uri("/auth/me")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(401);
    }

    /** Finding 3: anonymous health is status only, whatever the query asks for. */
    @Test
    void anonymousHealthIsStatusOnly() throws Exception {
        HttpResponse<String> full = send(null, HttpRequest.newBuilder(uri(
                "/observe/health?exposureLevel=full&stackTrace=true&data=true")));
        assertThat(full.body()).matches("\\{\"status\":\"(UP|DOWN)\"}");
        HttpResponse<String> detailed = get("/observe/health?exposureLevel=full");
        assertThat(detailed.body()).contains("checks");
        assertThat(Map.of("live", send(null, HttpRequest.newBuilder(uri("/observe/health/live"))).statusCode(),
                "ready", send(null, HttpRequest.newBuilder(uri("/observe/health/ready"))).statusCode()))
                .allSatisfy((probe, status) -> assertThat(status).as(probe).isIn(200, 503));
    }
}
