package io.upshift;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upshift.web.Passwords;
import io.upshift.web.Role;
import io.upshift.web.UserFile;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Boots the real application (the top-level application.properties and routes/) once per test
 * class, on a free HTTP port, with its data, inbox and sandbox in a fresh temporary folder.
 * Its users file holds an operator and a viewer; {@link #get}/{@link #post} call as the operator
 * (HTTP Basic), {@link #send} as anyone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class UpshiftTestSupport extends CamelMainTestSupport {

    // Set lazily: the Camel test support configures the context from inside its constructor,
    // before field initializers of this class would run (so these have none).
    protected Path work;
    protected int port;
    // HTTP/1.1 as curl and the CLI speak it: the JDK client's default h2c upgrade once broke a response (CI: OpenApiTest "Frame type(32)")
    protected final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    protected final ObjectMapper json = new ObjectMapper();

    protected static final String OPERATOR = "test-operator";
    protected static final String VIEWER = "test-viewer";
    /** The test users' password (hashed with few iterations: tests need no slow hashes). */
    protected static final String PASSWORD = "test-password-1";

    private void prepare() {
        if (work == null) {
            try {
                work = Files.createTempDirectory("upshift-test");
                port = freePort();
                UserFile users = new UserFile(usersFile());
                Passwords hashes = new Passwords(1000);
                users.put(OPERATOR, Role.OPERATOR, hashes.hash(PASSWORD));
                users.put(VIEWER, Role.VIEWER, hashes.hash(PASSWORD));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Settings a test class changes on top of the fast defaults below (constants only: called early). */
    protected Properties settings() {
        return new Properties();
    }

    @Override
    public void configureContext(CamelContextConfiguration config) {
        super.configureContext(config);
        prepare();
        Properties p = new Properties();
        p.setProperty("camel.server.port", String.valueOf(port));
        p.setProperty("camel.management.port", String.valueOf(port));
        p.setProperty("upshift.auth.users-file", usersFile().toString());
        p.setProperty("upshift.data.dir", work.resolve("data").toString());
        p.setProperty("upshift.db.url", "jdbc:h2:file:" + work.resolve("data/upshift"));
        p.setProperty("upshift.inbox.dir", inbox().toString());
        p.setProperty("upshift.inbox.poll-delay", "50");
        p.setProperty("upshift.inbox.read-lock-interval", "100");
        p.setProperty("upshift.inbox.read-lock-min-age", "100");
        p.setProperty("upshift.sandbox.readiness-delay", "20ms");
        p.setProperty("upshift.upgrade.parallelism", "8");
        p.putAll(settings());
        config.withUseOverridePropertiesWithPropertiesComponent(p);
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern("file:routes/*.camel.yaml");
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "file:application.properties";
    }

    /** None: application.properties names the configuration classes and route builders (no package scan). */
    @Override
    protected Class<?> getMainClass() {
        return null;
    }

    @AfterAll
    void deleteWork() throws IOException {
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    protected Path usersFile() {
        return work.resolve("users.yaml");
    }

    protected Path inbox() {
        return work.resolve("inbox");
    }

    /**
     * Drops a file into the inbox as an operator would (written beside it, then moved in) and
     * waits until the inbox route has processed it and moved it out.
     */
    protected void drop(String name, byte[] content) throws Exception {
        org.apache.camel.builder.NotifyBuilder processed = new org.apache.camel.builder.NotifyBuilder(context)
                .fromRoute("intake-inbox")
                .filter(org.apache.camel.builder.Builder.header("CamelFileName").isEqualTo(name)).whenDone(1).create();
        Path tmp = work.resolve(name + ".part");
        Files.write(tmp, content);
        Files.createDirectories(inbox());
        Files.move(tmp, inbox().resolve(name));
        if (!processed.matches(20, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new AssertionError("the inbox did not process " + name);
        }
        // the file moves out of the inbox as the exchange completes
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> !Files.exists(inbox().resolve(name)));
    }

    protected URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    /** GET as the operator. */
    protected HttpResponse<String> get(String path) throws Exception {
        return send(OPERATOR, HttpRequest.newBuilder(uri(path)).GET());
    }

    /** POST as the operator. */
    protected HttpResponse<String> post(String path, String contentType, byte[] body) throws Exception {
        return send(OPERATOR, postRequest(path, contentType, body));
    }

    /** DELETE as the operator. */
    protected HttpResponse<String> delete(String path) throws Exception {
        return send(OPERATOR, HttpRequest.newBuilder(uri(path)).DELETE());
    }

    protected HttpRequest.Builder postRequest(String path, String contentType, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return request;
    }

    /** Sends as this user (HTTP Basic with {@link #PASSWORD}), or anonymously when user is null. */
    protected HttpResponse<String> send(String user, HttpRequest.Builder request) throws Exception {
        if (user != null) {
            request.header("Authorization", basic(user, PASSWORD));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An HTTP answer read from a raw socket: status line's code, headers (lower-case names), body. */
    protected record RawResponse(int status, java.util.Map<String, String> headers, String body) {
    }

    /**
     * Sends one HTTP/1.1 request from another loopback address (127.0.0.2…: a second client
     * machine, as the server sees it), which java.net.http cannot choose on Java 17.
     */
    protected RawResponse sendFrom(String localAddress, String method, String path, java.util.Map<String, String> headers,
            String body) throws IOException {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.bind(new java.net.InetSocketAddress(localAddress, 0));
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(20_000);
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\nContent-Length: " + content.length + "\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().write(content);
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String[] parts = answer.split("\r\n\r\n", 2);
            String[] lines = parts[0].split("\r\n");
            java.util.Map<String, String> answerHeaders = new java.util.HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                answerHeaders.put(lines[i].substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
            return new RawResponse(Integer.parseInt(lines[0].split(" ")[1]), answerHeaders,
                    parts.length > 1 ? parts[1] : "");
        }
    }

    protected static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** POST of a JSON document as the operator, with extra headers (name, value, …). */
    protected HttpResponse<String> postJson(String path, String json, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json");
        if (headers.length > 0) {
            request.headers(headers);
        }
        return send(OPERATOR, request);
    }

    /** Waits until the upgrade reaches {@code state} and returns its record. */
    protected JsonNode awaitUpgrade(String id, String state) {
        return org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .pollInterval(java.time.Duration.ofMillis(50))
                .until(() -> body(get("/api/upgrades/" + id)), r -> r.path("state").asText().equals(state));
    }

    /** The record an accepted upgrade of this plan starts as (PENDING, parallelism 8), not yet stored. */
    protected static io.upshift.upgrade.UpgradeRecord accepted(io.upshift.upgrade.UpgradePlan plan, String id) {
        return io.upshift.upgrade.UpgradeRecord.accepted(id, plan.fromVersion(), plan.targetVersion(),
                plan.requestedMode(), plan.mode(), plan.modeReason(), "http", "ops", java.time.Instant.now(),
                plan.services().stream().map(s -> new io.upshift.upgrade.ServiceProgress(s.name(), s.namespace(),
                        s.deployment(), s.container(), s.dependsOn(), io.upshift.upgrade.ServiceState.PENDING,
                        s.fromImage(), s.toImage(), s.replicas(), null, null, null, null, null, null, null, null, null)).toList(),
                null, 8, null, false);
    }

    protected io.fabric8.kubernetes.client.KubernetesClient kubernetes() {
        return context.getRegistry().lookupByNameAndType("kubernetesClient",
                io.fabric8.kubernetes.client.KubernetesClient.class);
    }

    /** The image of a Deployment's first (only) container in the platform namespace. */
    protected String image(String deployment) {
        return kubernetes().apps().deployments().inNamespace("platform").withName(deployment).get().getSpec()
                .getTemplate().getSpec().getContainers().get(0).getImage();
    }

    protected JsonNode body(HttpResponse<String> response) throws IOException {
        return json.readTree(response.body());
    }

    protected static byte[] example(String name) throws IOException {
        return Files.readAllBytes(Path.of("examples", name));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
