package upshift.it;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Two replicas: two Upshift processes from {@code target/upshift.jar} in cluster mode on one
 * PostgreSQL database and one standalone sandbox cluster ({@code SandboxMain}), sharing the inbox
 * folder as two Pods would share a volume. They elect a leader on the Lease {@code upshift-leader};
 * the test plays the kubelet ({@link Kubelet}): it reports each process's Pod ready once its
 * readiness probe answers, and not ready once it is killed. The cases run in order on the same
 * processes. Output of every process: {@code target/it/replicas/*.log}. Skipped without
 * {@code UPSHIFT_TEST_POSTGRES_URL}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasIT {

    private static final String POSTGRES = System.getenv("UPSHIFT_TEST_POSTGRES_URL");
    private static final Path WORK = Path.of("target", "it", "replicas").toAbsolutePath();
    private static final String NAMESPACE = "platform";
    /** Leader election: shorter than the defaults (15 s, 10 s, 2 s) to keep the run short. */
    private static final Duration LEADER_LEASE = Duration.ofSeconds(6);
    private static final Duration RETRY = Duration.ofSeconds(1);
    /** Failed logons a (user, address) pair has before the throttle makes it wait. */
    private static final int FREE_ATTEMPTS = 5;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final List<JavaProcess> processes = new ArrayList<>();
    private final Map<String, Replica> replicas = new LinkedHashMap<>();
    private String database;
    private Path kubeconfig;
    private Kubelet kubelet;

    private record Replica(String id, int port, JavaProcess process) {
    }

    @BeforeAll
    void start() throws Exception {
        assumeTrue(POSTGRES != null, "UPSHIFT_TEST_POSTGRES_URL is not set (.ci/run sets it)");
        Processes.deleteRecursively(WORK);
        Files.createDirectories(WORK.resolve("inbox"));
        String schema = "replicas_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        database = POSTGRES + "&currentSchema=" + schema;
        processes.add(Processes.startSandbox(WORK, "200ms"));
        kubeconfig = Processes.kubeconfig(WORK);
        kubelet = new Kubelet(kubeconfig, NAMESPACE);
        startReplica("replica-a");
        startReplica("replica-b");
    }

    @AfterAll
    void stop() throws Exception {
        Processes.stopAll(processes);
        if (kubelet != null) {
            kubelet.close();
        }
    }

    @Test
    @Order(1)
    void exactlyOneReplicaLeadsTheLeaseNamesItAndOnlyItReadsTheInbox() throws Exception {
        String leader = awaitLeader(Duration.ofSeconds(30));
        assertThat(replicas).containsKey(leader);
        String follower = other(leader);
        // both serve: the follower is as ready as the leader
        for (Replica r : replicas.values()) {
            assertThat(send(r, "/observe/health/ready").statusCode()).as("%s ready", r.id()).isEqualTo(200);
        }
        dropVersion("5.1.2.03");
        awaitVersion(replicas.get(follower), "5.1.2.03");
        assertThat(replicas.get(leader).process().output()).contains("Inbox file platform-5.1.2.03.yaml accepted");
        assertThat(replicas.get(follower).process().output()).doesNotContain("Inbox file");
        assertThat(kubelet.leader()).contains(leader);
    }

    @Test
    @Order(2)
    void anUpgradeStartedThroughTheFollowerRunsToSucceeded() throws Exception {
        Replica follower = replicas.get(other(awaitLeader(Duration.ofSeconds(5))));
        HttpResponse<String> imported = send(follower, "/api/versions", "application/yaml",
                Files.readString(Path.of("examples", "platform-5.1.2.04.yaml")));
        assertThat(imported.statusCode()).as(imported.body()).isBetween(200, 201);
        HttpResponse<String> accepted = send(follower, "/api/upgrades", "application/json",
                json.writeValueAsString(Map.of("targetVersion", "5.1.2.04", "acceptRisk", true)));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = json.readTree(accepted.body()).path("id").asText();

        JsonNode done = await(id + " SUCCEEDED").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> json.readTree(send(follower, "/api/upgrades/" + id).body()),
                        r -> r.path("state").asText().equals("SUCCEEDED") || r.path("state").asText().equals("FAILED"));
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
        for (Replica r : replicas.values()) {
            assertThat(json.readTree(send(r, "/api/platform").body()).path("currentVersion").asText())
                    .as("the platform as %s sees it", r.id()).isEqualTo("5.1.2.04");
        }
    }

    @Test
    @Order(3)
    void aConsoleSessionOpenedOnOneReplicaWorksOnTheOtherAndALogoutThereEndsItOnBoth() throws Exception {
        Replica a = replicas.get("replica-a");
        Replica b = replicas.get("replica-b");
        HttpResponse<String> logon = http.send(HttpRequest.newBuilder(uri(a, "/auth/login")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(
                        Map.of("username", Processes.OPERATOR, "password", Processes.PASSWORD)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(logon.statusCode()).as(logon.body()).isEqualTo(200);
        String session = cookie(logon, "upshift.session");

        // the cookie A gave works on B (sessions live in the shared database)
        HttpResponse<String> onB = http.send(browser(b, "/auth/me", session, null).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(onB.statusCode()).as(onB.body()).isEqualTo(200);
        assertThat(json.readTree(onB.body()).path("name").asText()).isEqualTo(Processes.OPERATOR);
        // a CSRF token A hands out passes on B (one key for every replica)
        HttpResponse<String> onA = http.send(browser(a, "/auth/me", session, null).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(onA.statusCode()).isEqualTo(200);
        String xsrf = setCookie(onA, "XSRF-TOKEN").orElseGet(() -> cookie(onB, "XSRF-TOKEN"));

        HttpResponse<String> logout = http.send(browser(b, "/auth/logout", session, xsrf)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(logout.statusCode()).as(logout.body()).isEqualTo(204);
        // ended on B, refused on A too
        for (Replica r : List.of(a, b)) {
            HttpResponse<String> after = http.send(browser(r, "/auth/me", session, null).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(after.statusCode()).as("%s after the logout on B", r.id()).isEqualTo(401);
        }
    }

    @Test
    @Order(4)
    void failedLogonsCountedOnOneReplicaThrottleTheOther() throws Exception {
        Replica a = replicas.get("replica-a");
        Replica b = replicas.get("replica-b");
        for (int i = 0; i < FREE_ATTEMPTS; i++) {
            assertThat(logon(a, "intruder", "guess-" + i).statusCode()).as("attempt %d on A", i + 1).isEqualTo(401);
        }
        // B counts the attempts A took: it refuses the next one unchecked
        HttpResponse<String> refused = logon(b, "intruder", "guess-" + FREE_ATTEMPTS);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        // counted per (user, address): the operator's own logon from this address is not held up
        assertThat(logon(b, Processes.OPERATOR, Processes.PASSWORD).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> logon(Replica replica, String user, String password) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(replica, "/auth/login")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of("username", user,
                        "password", password)))).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(5)
    void aSecondProcessWithALiveReplicasInstanceIdIsRefusedAtStart() throws Exception {
        String leader = awaitLeader(Duration.ofSeconds(5));
        JavaProcess twin = JavaProcess.start("twin", WORK.resolve("twin.log"), Map.of(),
                arguments(leader, Processes.freePort(), WORK.resolve("data-twin")));
        processes.add(twin);
        OptionalInt exit = twin.awaitExit(Duration.ofSeconds(90));
        assertThat(exit).as("the twin ended by itself").isPresent();
        assertThat(exit.getAsInt()).isNotZero();
        assertThat(twin.output()).contains("another Upshift process is running with upshift.instance-id=" + leader);
        // the live one goes on leading
        assertThat(kubelet.leader()).contains(leader);
        assertThat(send(replicas.get(leader), "/observe/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(6)
    void theLeaderKilledTheOtherLeadsWithinTheLeaseAndReadsTheInbox() throws Exception {
        String leader = awaitLeader(Duration.ofSeconds(5));
        String follower = other(leader);
        replicas.get(leader).process().kill();
        kubelet.notReady(leader);
        long killedAt = System.nanoTime();
        // noticed within a retry period (with jitter), then a lease duration before leading
        await("the Lease held by " + follower).atMost(LEADER_LEASE.plus(RETRY.multipliedBy(4)))
                .pollInterval(Duration.ofMillis(100)).until(() -> kubelet.leader().orElse(""), follower::equals);
        dropVersion("5.1.2.05");
        awaitVersion(replicas.get(follower), "5.1.2.05");
        Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
        assertThat(took).as("from the kill to the inbox read by %s", follower)
                .isLessThan(LEADER_LEASE.plus(RETRY.multipliedBy(4)).plusSeconds(5));
        assertThat(replicas.get(follower).process().output()).contains("Inbox file platform-5.1.2.05.yaml accepted");
    }

    // ---- processes

    private void startReplica(String id) throws Exception {
        int port = Processes.freePort();
        JavaProcess process = JavaProcess.start(id, WORK.resolve(id + ".log"), Map.of(),
                arguments(id, port, WORK.resolve("data-" + id)));
        processes.add(process);
        Replica replica = new Replica(id, port, process);
        await(id + " ready").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .ignoreException(ConnectException.class)
                .until(() -> Processes.alive(process) && send(replica, "/observe/health/ready").statusCode() == 200);
        kubelet.ready(id);
        replicas.put(id, replica);
    }

    private List<String> arguments(String id, int port, Path data) throws IOException {
        return List.of(
                "-Dupshift.kubernetes.mode=cluster",
                "-Dkubeconfig=" + kubeconfig,
                "-Dupshift.db.url=" + database,
                "-Dupshift.db.user=postgres",
                "-Dupshift.data.dir=" + data,
                "-Dupshift.inbox.dir=" + WORK.resolve("inbox"),
                "-Dupshift.inbox.poll-delay=200",
                "-Dupshift.inbox.read-lock-interval=200",
                "-Dcamel.server.port=" + port,
                "-Dupshift.instance-id=" + id,
                "-Dupshift.lock.lease=6s",
                "-Dupshift.lock.heartbeat-interval=2s",
                "-Dupshift.leader.lease-duration=" + LEADER_LEASE.toSeconds() + "s",
                "-Dupshift.leader.renew-deadline=4s",
                "-Dupshift.leader.retry-period=" + RETRY.toSeconds() + "s",
                "-Dupshift.auth.users-file=" + Processes.usersFile(WORK),
                // a wait past the free attempts longer than any slow machine takes between two requests
                "-Dupshift.auth.throttle.free-attempts=" + FREE_ATTEMPTS,
                "-Dupshift.auth.throttle.base-delay=60000",
                "-jar", Processes.JAR);
    }

    private String awaitLeader(Duration within) {
        return await("a leader").atMost(within).pollInterval(Duration.ofMillis(200))
                .until(() -> kubelet.leader().orElse(""), replicas::containsKey);
    }

    private String other(String id) {
        return replicas.keySet().stream().filter(r -> !r.equals(id)).findFirst().orElseThrow();
    }

    // ---- inbox and API

    /** A version config for {@code version}, written beside the inbox and moved in (as an operator would). */
    private void dropVersion(String version) throws IOException {
        String yaml = Files.readString(Path.of("examples", "platform-5.1.2.04.yaml")).replace("5.1.2.04", version);
        Path staged = WORK.resolve("platform-" + version + ".yaml");
        Files.writeString(staged, yaml);
        Files.move(staged, WORK.resolve("inbox").resolve(staged.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }

    private void awaitVersion(Replica replica, String version) {
        await(version + " imported").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> send(replica, "/api/versions/" + version).statusCode() == 200
                        && Files.exists(WORK.resolve("inbox").resolve(".done").resolve("platform-" + version + ".yaml")));
    }

    private HttpResponse<String> send(Replica replica, String path) throws Exception {
        return http.send(request(replica, path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(Replica replica, String path, String contentType, String body) throws Exception {
        return http.send(request(replica, path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A console's request: the session cookie (and the CSRF token, for a change), no Authorization header. */
    private static HttpRequest.Builder browser(Replica replica, String path, String session, String xsrf) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(replica, path)).timeout(Duration.ofSeconds(10))
                .header("X-Requested-With", "XMLHttpRequest")
                .header("Cookie", "upshift.session=" + session + (xsrf == null ? "" : "; XSRF-TOKEN=" + xsrf));
        return xsrf == null ? request : request.header("X-XSRF-TOKEN", xsrf);
    }

    /** The value of the cookie {@code name} the answer sets. */
    private static String cookie(HttpResponse<?> response, String name) {
        return setCookie(response, name).orElseThrow(() -> new AssertionError("no " + name + " cookie in "
                + response.headers().allValues("Set-Cookie").stream().map(c -> c.split("=", 2)[0]).toList()));
    }

    private static java.util.Optional<String> setCookie(HttpResponse<?> response, String name) {
        return response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1).split(";", 2)[0]).findFirst();
    }

    private static URI uri(Replica replica, String path) {
        return URI.create("http://localhost:" + replica.port() + path);
    }

    private static HttpRequest.Builder request(Replica replica, String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + replica.port() + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((Processes.OPERATOR + ":" + Processes.PASSWORD).getBytes(StandardCharsets.UTF_8)));
    }

}
