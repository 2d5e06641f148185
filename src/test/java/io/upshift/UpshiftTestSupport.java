package io.upshift;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Boots the real application (the top-level application.properties and routes/) once per test
 * class, on a free HTTP port, with its data, inbox and sandbox in a fresh temporary folder.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class UpshiftTestSupport extends CamelMainTestSupport {

    // Set lazily: the Camel test support configures the context from inside its constructor,
    // before field initializers of this class would run (so these have none).
    protected Path work;
    protected int port;
    protected final HttpClient http = HttpClient.newHttpClient();
    protected final ObjectMapper json = new ObjectMapper();

    private void prepare() {
        if (work == null) {
            try {
                work = Files.createTempDirectory("upshift-test");
                port = freePort();
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
        p.setProperty("upshift.data.dir", work.resolve("data").toString());
        p.setProperty("upshift.db.url", "jdbc:h2:file:" + work.resolve("data/upshift"));
        p.setProperty("upshift.inbox.dir", inbox().toString());
        p.setProperty("upshift.inbox.poll-delay", "50");
        p.setProperty("upshift.inbox.read-lock-interval", "100");
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

    @Override
    protected Class<?> getMainClass() {
        return Upshift.class;
    }

    @AfterAll
    void deleteWork() throws IOException {
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    protected Path inbox() {
        return work.resolve("inbox");
    }

    protected URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    protected HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    protected HttpResponse<String> post(String path, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    protected HttpResponse<String> postJson(String path, String json, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json");
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until the upgrade reaches {@code state} and returns its record. */
    protected JsonNode awaitUpgrade(String id, String state) {
        return org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .pollInterval(java.time.Duration.ofMillis(50))
                .until(() -> body(get("/api/upgrades/" + id)), r -> r.path("state").asText().equals(state));
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
