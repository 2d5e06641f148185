package upshift.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.upshift.web.Passwords;
import io.upshift.web.Role;
import io.upshift.web.UserFile;

import static org.awaitility.Awaitility.await;

/** What the process tests share: the standalone sandbox, the login, ports and their work folder. */
final class Processes {

    static final String JAR = Path.of("target", "upshift.jar").toAbsolutePath().toString();
    static final String OPERATOR = "it-operator";
    static final String PASSWORD = "it-password-12";

    private Processes() {
    }

    /** Starts {@code SandboxMain} with the seeded platform in {@code work/sandbox}; returns once its kubeconfig is written. */
    static JavaProcess startSandbox(Path work, String readinessDelay) throws IOException {
        Path dir = work.resolve("sandbox");
        JavaProcess sandbox = JavaProcess.start("sandbox", work.resolve("sandbox.log"), Map.of(), List.of(
                "-cp", JAR, "io.upshift.sandbox.SandboxMain", "--data-dir", dir.toString(), "--port", "0",
                "--seed", "examples/platform-5.1.2.02.yaml", "--readiness-delay", readinessDelay));
        await("the sandbox's kubeconfig").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> alive(sandbox) && Files.isRegularFile(kubeconfig(work)));
        return sandbox;
    }

    static Path kubeconfig(Path work) {
        return work.resolve("sandbox").resolve("sandbox.kubeconfig");
    }

    /** True while {@code process} runs; fails with its output once it has ended. */
    static boolean alive(JavaProcess process) throws IOException {
        if (!process.isAlive()) {
            throw new AssertionError(process + " ended; its output:\n" + process.output());
        }
        return true;
    }

    /** A users file with {@link #OPERATOR} (hashed with few iterations: no slow hashes needed here). */
    static Path usersFile(Path work) throws IOException {
        Path file = work.resolve("users.yaml");
        if (!Files.exists(file)) {
            new UserFile(file).put(OPERATOR, Role.OPERATOR, new Passwords(1000).hash(PASSWORD));
        }
        return file;
    }

    /** Stops (SIGTERM) every process still running. */
    static void stopAll(List<JavaProcess> processes) throws InterruptedException {
        for (JavaProcess process : processes) {
            if (process.isAlive()) {
                process.stop();
            }
        }
    }

    /** A request as the IT operator (HTTP Basic), bounded by 10 s. */
    static java.net.http.HttpResponse<String> send(java.net.http.HttpClient http, java.net.http.HttpRequest.Builder request)
            throws IOException, InterruptedException {
        request.header("Authorization", "Basic " + java.util.Base64.getEncoder()
                .encodeToString((OPERATOR + ":" + PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
