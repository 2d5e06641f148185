package io.upshift.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upshift.sandbox.SandboxCluster;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/**
 * The real application booted in-process (camel-main {@link Main} with the top-level
 * application.properties and routes/), on a free port, with its data in {@code work} and the sandbox
 * seeded from {@code seed}; plus the HTTP calls the benchmark makes and the sandbox's request log.
 */
final class BenchApplication implements AutoCloseable {

    private final Main main;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    BenchApplication(Path work, Path seed, int parallelism, String readinessDelay) throws Exception {
        port = freePort();
        main = new Main();
        main.setDefaultPropertyPlaceholderLocation("file:application.properties");
        main.configure().withRoutesIncludePattern("file:routes/*.camel.yaml");
        main.addOverrideProperty("camel.server.port", String.valueOf(port));
        main.addOverrideProperty("upshift.data.dir", work.resolve("data").toString());
        main.addOverrideProperty("upshift.db.url", "jdbc:h2:file:" + work.resolve("data/upshift"));
        main.addOverrideProperty("upshift.inbox.dir", work.resolve("inbox").toString());
        main.addOverrideProperty("upshift.kubernetes.mode", "sandbox");
        main.addOverrideProperty("upshift.sandbox.seed", seed.toString());
        main.addOverrideProperty("upshift.sandbox.replicas", "2");
        main.addOverrideProperty("upshift.sandbox.readiness-delay", readinessDelay);
        main.addOverrideProperty("upshift.platform.current-version", BenchPlatform.CURRENT);
        main.addOverrideProperty("upshift.upgrade.parallelism", String.valueOf(parallelism));
        // an operator whose hash has few iterations: the benchmark polls, and must not time PBKDF2
        Path users = work.resolve("users.yaml");
        new io.upshift.web.UserFile(users).put(USER, io.upshift.web.Role.OPERATOR,
                new io.upshift.web.Passwords(1000).hash(PASSWORD));
        main.addOverrideProperty("upshift.auth.users-file", users.toString());
        main.start();
    }

    private static final String USER = "bench";
    private static final String PASSWORD = "bench-password-1";
    private static final String AUTHORIZATION = "Basic " + java.util.Base64.getEncoder()
            .encodeToString((USER + ":" + PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));

    /** The benchmark user's Authorization header. */
    String authorization() {
        return AUTHORIZATION;
    }

    java.net.URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    Path usersFile() {
        return Path.of(main.getCamelContext().resolvePropertyPlaceholders("{{upshift.auth.users-file}}"));
    }

    CamelContext camel() {
        return main.getCamelContext();
    }

    SandboxCluster sandbox() {
        SandboxCluster sandbox = camel().hasService(SandboxCluster.class);
        if (sandbox == null) {
            throw new IllegalStateException("no sandbox cluster: upshift.kubernetes.mode is not sandbox");
        }
        return sandbox;
    }

    /** Requests the sandbox API server received since the last call, counted by who sent them. */
    RequestCount takeRequests() throws InterruptedException {
        return RequestCount.of(sandbox().takeRequests());
    }

    HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofMinutes(5)).header("Content-Type", contentType).header("Authorization", AUTHORIZATION)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofMinutes(1)).header("Authorization", AUTHORIZATION).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }

    JsonNode json(String body) throws IOException {
        return json.readTree(body);
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * API requests split by sender, told apart by User-Agent: the sandbox's own controllers send
     * fabric8's, Upshift's client {@code upshift fabric8-kubernetes-client/…}, kubectl its own.
     * {@code byKind} counts the client's requests by method and resource, for the report.
     */
    record RequestCount(int client, int controller, Map<String, Integer> byKind) {

        static RequestCount of(List<SandboxCluster.ApiRequest> requests) {
            int client = 0;
            int controller = 0;
            Map<String, Integer> byKind = new TreeMap<>();
            for (SandboxCluster.ApiRequest r : requests) {
                String path = r.path();
                // the sandbox's controllers are fabric8 clients of their own User-Agent; Upshift says upshift, kubectl kubectl
                boolean fromController = r.userAgent() != null && r.userAgent().startsWith("fabric8");
                if (fromController) {
                    controller++;
                } else {
                    client++;
                    byKind.merge(kind(r.method(), path), 1, Integer::sum);
                }
            }
            return new RequestCount(client, controller, byKind);
        }

        private static String kind(String method, String path) {
            int query = path.indexOf('?');
            String bare = query < 0 ? path : path.substring(0, query);
            String q = query < 0 ? "" : path.substring(query + 1);
            String what;
            if (bare.matches("/apis/apps/v1/namespaces/[^/]+/deployments/[^/]+")) {
                what = "deployment";
            } else if (bare.matches("/apis/apps/v1/namespaces/[^/]+/deployments")) {
                what = q.contains("watch=") ? "deployments watch" : "deployments list";
            } else if (bare.startsWith("/api") && !bare.contains("/namespaces/")) {
                what = "discovery";
            } else {
                what = bare;
            }
            return method + " " + what;
        }
    }

    static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }
}
