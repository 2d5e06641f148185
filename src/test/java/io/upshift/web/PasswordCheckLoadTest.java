package io.upshift.web;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Finding 1: HTTP Basic costs a slow hash per check (here the real 210,000 PBKDF2 rounds of the
 * decoy for unknown users). A burst of wrong credentials must not take the server down: it is cut
 * off as it arrives, and a logged-on console user and the health probe keep being answered.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PasswordCheckLoadTest extends UpshiftTestSupport {

    private static final Duration BOUND = Duration.ofSeconds(1);

    @Test
    @Order(1)
    void concurrentCallsWithTheRightCredentialsAllPassAndCostOneCheck() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(http.sendAsync(HttpRequest.newBuilder(uri("/api/versions"))
                    .header("Authorization", basic(OPERATOR, PASSWORD)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        assertThat(calls.stream().map(CompletableFuture::join).map(HttpResponse::statusCode)).containsOnly(200);
    }

    @Test
    @Order(2)
    void threeHundredWrongCredentialsAtOnceLeaveSessionsAndHealthAnsweredWithinASecond() throws Exception {
        CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        HttpClient console = HttpClient.newBuilder().cookieHandler(cookies).build();
        HttpResponse<String> logon = console.send(postRequest("/auth/login", "application/json",
                ("{\"username\":\"" + VIEWER + "\",\"password\":\"" + PASSWORD + "\"}").getBytes()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(logon.statusCode()).isEqualTo(200);
        // warm: the first answers load classes and open connections (seconds on a busy machine)
        assertThat(console.send(HttpRequest.newBuilder(uri("/api/versions")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(http.send(HttpRequest.newBuilder(uri("/observe/health")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isIn(200, 503);

        // HTTP/1.1: a connection per request, as a flood from many clients arrives. The flood is
        // sent from this JVM, which is also the server's: on the client's default executor (a new
        // thread per pending request) the 300 sends alone cost the server's process more CPU than
        // answering them, so they run on two threads, as a load generator apart from it would.
        ExecutorService flood = Executors.newFixedThreadPool(2);
        try {
            burst(console, flood);
        } finally {
            flood.shutdownNow();
        }
    }

    private void burst(HttpClient console, ExecutorService flood) throws Exception {
        HttpClient attacker = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(flood).build();
        List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            burst.add(attacker.sendAsync(HttpRequest.newBuilder(uri("/api/versions"))
                    .header("Authorization", basic("guess-" + UUID.randomUUID(), "wrong-" + i)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(burst.toArray(CompletableFuture[]::new));
        int rounds = 0;
        do { // while the burst is being answered (and at least a few times)
            long start = System.nanoTime();
            HttpResponse<String> page = console.send(HttpRequest.newBuilder(uri("/api/versions")).timeout(BOUND).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(uri("/observe/health")).timeout(BOUND).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isIn(200, 503);
            assertThat(health.body()).contains("status");
            rounds++;
            System.out.printf("round %d: session page and health answered in %d ms%n", rounds,
                    (System.nanoTime() - start) / 1_000_000);
        } while (!all.isDone() || rounds < 5);

        List<HttpResponse<String>> answers = burst.stream().map(CompletableFuture::join).toList();
        assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).isIn(401, 429, 503));
        assertThat(answers).filteredOn(a -> a.statusCode() != 401)
                .allSatisfy(a -> assertThat(a.headers().firstValue("Retry-After")).isPresent());
        // counted before hashing: this address gets its free attempts checked, the rest are refused unhashed
        assertThat(answers).filteredOn(a -> a.statusCode() == 401).hasSizeLessThanOrEqualTo(20);
    }
}
