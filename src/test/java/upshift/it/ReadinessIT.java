package upshift.it;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The readiness probe as Kubernetes uses it, from the first instant of a real process
 * ({@code target/upshift.jar}, sandbox mode): {@code /observe/health/ready} must not say 200 before
 * the API answers. Right after every probe the test asks an API route, a console page and the login
 * page; once the probe has said 200, none of them may get the HTTP server's bare 404 (the window
 * the probe closes: the server listens before the routes and login handlers exist).
 * {@code /observe/health/live} answers without waiting for the database or the cluster.
 */
class ReadinessIT {

    private static final Path WORK = Path.of("target", "it", "readiness").toAbsolutePath();
    /** Requests the probe's 200 promises: an API route (401 without login), the console (a redirect to login), the login page. */
    private static final List<String> ROUTES = List.of("/api/versions", "/console/", "/console/login.html");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    @Test
    void everyRequestAfterTheFirstReadyIsAnsweredByItsRoute() throws Exception {
        int port = Processes.freePort();
        JavaProcess upshift = JavaProcess.start("upshift", WORK.resolve("upshift.log"), Map.of(), List.of(
                "-Dupshift.data.dir=" + WORK.resolve("data"), "-Dupshift.inbox.dir=" + WORK.resolve("inbox"),
                "-Dupshift.auth.users-file=" + WORK.resolve("users.yaml"), "-Dcamel.server.port=" + port,
                "-Dupshift.instance-id=readiness-it", "-jar", Processes.JAR));
        try {
            List<String> afterReady = new ArrayList<>();
            int readyAnswers = 0;
            int notReadyAnswers = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (readyAnswers < 50) {
                assertThat(System.nanoTime()).as("ready within 120 s; output: %s", WORK.resolve("upshift.log"))
                        .isLessThan(deadline);
                assertThat(upshift.isAlive()).as("%s alive", upshift).isTrue();
                int ready = status(port, "/observe/health/ready");
                if (ready == 200) {
                    readyAnswers++;
                } else if (ready > 0) {
                    notReadyAnswers++;
                    assertThat(readyAnswers).as("ready never goes back to %s once it said 200", ready).isZero();
                }
                for (String route : ROUTES) {
                    int answer = status(port, route);
                    if (readyAnswers > 0) {
                        afterReady.add(route + " " + answer);
                    }
                }
            }
            // the probe was seen answering "not ready" before the API was up, so the window was looked at
            assertThat(notReadyAnswers).as("answers of 503 before ready").isPositive();
            assertThat(afterReady).hasSize(50 * ROUTES.size()).noneMatch(a -> a.endsWith(" 404") || a.endsWith(" -1"));
            assertThat(afterReady).contains("/api/versions 401");
            assertThat(status(port, "/observe/health/live")).isEqualTo(200);
        } finally {
            upshift.stop();
        }
    }

    /** The status code, or -1 when nothing listens yet. */
    private int status(int port, String path) throws Exception {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (ConnectException e) {
            return -1;
        }
    }
}
