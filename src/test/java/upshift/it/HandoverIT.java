package upshift.it;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
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
 * Handover between replicas: Upshift processes from {@code target/upshift.jar} on one PostgreSQL
 * database and one standalone sandbox cluster ({@code SandboxMain}); the test plays the kubelet
 * ({@link Kubelet}). The cases run in order, each starting the replica it needs:
 * <ol>
 * <li>SIGTERM to the replica running an upgrade (and leading): it turns not ready at once, refuses
 * new upgrades (503 {@code SHUTTING_DOWN}), lets its steps in flight finish, hands the upgrade over
 * and exits within its grace period; the other replica resumes it within 2 s of the release and
 * takes the lead at its next look; the upgrade ends SUCCEEDED with each Deployment changed once.</li>
 * <li>kill -9 of the replica running an upgrade: the other resumes it within the lock's lease plus
 * 2 s; SUCCEEDED, each Deployment changed once.</li>
 * <li>Operator actions sent to the replica that does not run the upgrade: decided by the one that
 * does (a refusal keeps its code), answered within a second; resume then runs where it was sent.</li>
 * <li>An action sent while the replica running the upgrade has just died (kill -9): the replica
 * that takes the upgrade over decides it when its lease ends, well within the requester's wait.</li>
 * </ol>
 * Output of every process: {@code target/it/handover/*.log}. Skipped without {@code UPSHIFT_TEST_POSTGRES_URL}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HandoverIT {

    private static final String POSTGRES = System.getenv("UPSHIFT_TEST_POSTGRES_URL");
    private static final Path WORK = Path.of("target", "it", "handover").toAbsolutePath();
    private static final String NAMESPACE = "platform";
    private static final List<String> SERVICES = List.of("config-center", "auth", "metadata", "scheduler",
            "data-service", "gateway", "web-console");
    /** The platform lock's lease (default 15 s) and heartbeat, shorter to keep the run short. */
    private static final Duration LOCK_LEASE = Duration.ofSeconds(8);
    private static final Duration HANDOVER_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    /** terminationGracePeriodSeconds of these processes: what Kubernetes would wait before SIGKILL. */
    private static final Duration GRACE = HANDOVER_TIMEOUT.plus(SHUTDOWN_TIMEOUT).plusSeconds(5);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration RESUME_BOUND = Duration.ofSeconds(2);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final List<JavaProcess> processes = new ArrayList<>();
    private final Map<String, Replica> replicas = new LinkedHashMap<>();
    private String database;
    private Path kubeconfig;
    private Kubelet kubelet;
    private KubernetesClient cluster;

    private record Replica(String id, int port, JavaProcess process) {
    }

    @BeforeAll
    void start() throws Exception {
        assumeTrue(POSTGRES != null, "UPSHIFT_TEST_POSTGRES_URL is not set (.ci/run sets it)");
        Processes.deleteRecursively(WORK);
        Files.createDirectories(WORK);
        String schema = "handover_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection c = DriverManager.getConnection(POSTGRES); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        database = POSTGRES + "&currentSchema=" + schema;
        // each pod of a rollout takes 1 s to become ready: a step is in flight most of the time
        processes.add(Processes.startSandbox(WORK, "1s"));
        kubeconfig = Processes.kubeconfig(WORK);
        kubelet = new Kubelet(kubeconfig, NAMESPACE);
        cluster = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
        startReplica("replica-a");
        startReplica("replica-b");
    }

    @AfterAll
    void stop() throws Exception {
        Processes.stopAll(processes);
        if (kubelet != null) {
            kubelet.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void sigtermHandsTheRunningUpgradeOverAndTheOtherReplicaResumesItWithinTwoSeconds() throws Exception {
        String leader = awaitLeader(Duration.ofSeconds(60));
        Replica owner = replicas.get(leader);
        Replica other = replicas.get(other(leader));
        importVersion(owner, "5.1.2.04");
        Map<String, Long> before = generations();
        String id = startUpgrade(owner, "5.1.2.04");
        awaitMidUpgrade(other, id);

        owner.process().terminate();
        long terminatedAt = System.nanoTime();
        // not ready at once, and no new work: a client retries on another replica
        await("readiness DOWN").atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> send(owner, "/observe/health/ready").statusCode(), s -> s == 503);
        HttpResponse<String> refused = send(owner, "/api/upgrades", "application/json",
                json.writeValueAsString(Map.of("targetVersion", "5.1.2.04", "acceptRisk", true)));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(json.readTree(refused.body()).path("code").asText()).isEqualTo("SHUTTING_DOWN");

        OptionalInt exit = owner.process().awaitExit(GRACE);
        Duration exitedAfter = Duration.ofNanos(System.nanoTime() - terminatedAt);
        assertThat(exit).as("%s ended within its grace period %s", owner.id(), GRACE).isPresent();
        kubelet.notReady(owner.id());
        replicas.remove(owner.id());
        assertThat(owner.process().output()).contains("Handover done in").doesNotContain("Steps still in flight");
        // the Lease was given up, so the other leads at its next look (no lease duration to wait)
        await("the Lease held by " + other.id()).atMost(RETRY.multipliedBy(3)).pollInterval(Duration.ofMillis(50))
                .until(() -> kubelet.leader().orElse(""), other.id()::equals);
        System.out.printf("HANDOVER sigterm: %s leads %d ms after the SIGTERM%n", other.id(),
                Duration.ofNanos(System.nanoTime() - terminatedAt).toMillis());

        JsonNode done = awaitEnded(other, id);
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
        List<String> log = logLines(other, id);
        Instant released = timestamp(line(log, "Upshift instance " + owner.id() + " is shutting down: it hands the upgrade over"));
        Instant resumed = timestamp(line(log, "Upshift restarted: resuming"));
        Duration latency = Duration.between(released, resumed);
        System.out.printf("HANDOVER sigterm: exited after %d ms, resumed %d ms after the release%n", exitedAfter.toMillis(),
                latency.toMillis());
        assertThat(latency).as("from the release to the resume").isBetween(Duration.ZERO, RESUME_BOUND);
        assertChangedOnce(before, "5.1.2.04");
        assertZeroDowntime(done);
    }

    @Test
    @Order(2)
    void killDashNineTheOtherReplicaResumesWithinTheLeasePlusTwoSeconds() throws Exception {
        Running running = upgradeOnTheSurvivorBeside("replica-c", "5.1.2.05");
        Replica other = running.other();
        String id = running.id();

        long killedAt = killOwner(running);

        await(id + " resumed by " + other.id()).atMost(LOCK_LEASE.plus(RESUME_BOUND)).pollInterval(Duration.ofMillis(50))
                .until(() -> logLines(other, id).stream().anyMatch(l -> l.contains("Upshift restarted: resuming")));
        Duration latency = Duration.ofNanos(System.nanoTime() - killedAt);
        System.out.printf("HANDOVER kill -9: resumed %d ms after the kill (lease %d ms)%n", latency.toMillis(),
                LOCK_LEASE.toMillis());
        JsonNode done = awaitEnded(other, id);
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
        assertChangedOnce(running.generations(), "5.1.2.05");
        assertZeroDowntime(done);
    }

    @Test
    @Order(3)
    void anActionSentToTheReplicaThatDoesNotRunTheUpgradeIsDecidedByTheOneThatDoes() throws Exception {
        Running running = upgradeOnTheSurvivorBeside("replica-d", "5.1.2.06");
        Replica owner = running.owner();
        Replica other = running.other();
        String id = running.id();

        long sent = System.nanoTime();
        HttpResponse<String> mark = send(other, "/api/upgrades/" + id + "/mark", "application/json", "{\"verdict\":\"succeeded\"}");
        Duration markLatency = Duration.ofNanos(System.nanoTime() - sent);
        assertThat(mark.statusCode()).as(mark.body()).isEqualTo(409);
        assertThat(json.readTree(mark.body()).path("code").asText()).isEqualTo("ACTION_NOT_ALLOWED");

        sent = System.nanoTime();
        HttpResponse<String> stop = send(other, "/api/upgrades/" + id + "/stop", "application/json", "{\"note\":\"from d\"}");
        Duration stopLatency = Duration.ofNanos(System.nanoTime() - sent);
        assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
        assertThat(json.readTree(stop.body()).path("state").asText()).isIn("STOPPING", "STOPPED");
        System.out.printf("HANDOVER action across replicas: refused in %d ms, stop decided in %d ms%n",
                markLatency.toMillis(), stopLatency.toMillis());
        assertThat(stopLatency).as("a stop decided by the owner").isLessThan(Duration.ofSeconds(1));

        JsonNode stopped = await(id + " STOPPED").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> record(other, id), r -> r.path("state").asText().equals("STOPPED"));
        assertThat(stopped.path("actions").get(0).path("note").asText()).isEqualTo("from d");
        assertThat(owner.process().output()).contains("Deciding action stop on upgrade " + id)
                .contains("Deciding action mark on upgrade " + id);
        assertThat(other.process().output()).contains("Action stop on upgrade " + id + " forwarded");

        // nobody runs it now: resume is decided where it is sent, and that replica runs it
        HttpResponse<String> resume = send(other, "/api/upgrades/" + id + "/resume", "application/json", "");
        assertThat(resume.statusCode()).as(resume.body()).isEqualTo(200);
        JsonNode done = awaitEnded(owner, id);
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
    }

    @Test
    @Order(4)
    void anActionWaitingForADeadOwnerIsDecidedByTheReplicaThatTakesTheUpgradeOver() throws Exception {
        Running running = upgradeOnTheSurvivorBeside("replica-e", "5.1.2.07");
        String id = running.id();

        killOwner(running);
        Replica requester = running.other();
        long sent = System.nanoTime();
        // the dead owner still holds the lock: the request is stored for it, and waits (at most the action timeout, 30 s)
        HttpResponse<String> stop = send(requester, "/api/upgrades/" + id + "/stop", "application/json",
                "{\"note\":\"owner gone\"}", Duration.ofSeconds(45));
        Duration latency = Duration.ofNanos(System.nanoTime() - sent);
        System.out.printf("HANDOVER action for a dead owner: decided %d ms after it was sent (lease %d ms)%n",
                latency.toMillis(), LOCK_LEASE.toMillis());
        assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
        assertThat(json.readTree(stop.body()).path("state").asText()).isIn("STOPPING", "STOPPED");
        assertThat(latency).as("decided at the takeover, not at the action timeout").isLessThan(LOCK_LEASE.plus(RESUME_BOUND).plusSeconds(3));

        JsonNode stopped = await(id + " STOPPED").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> record(requester, id), r -> r.path("state").asText().equals("STOPPED"));
        assertThat(stopped.path("actions").get(0).path("note").asText()).isEqualTo("owner gone");
        List<String> outputs = new ArrayList<>();
        for (Replica replica : replicas.values()) {
            outputs.add(replica.process().output());
        }
        assertThat(outputs).anyMatch(output -> output.contains("Deciding action stop on upgrade " + id));
    }

    /** An upgrade run by {@code owner} (the replica left by the case before), mid-way, and a second replica beside it. */
    private record Running(Replica owner, Replica other, String id, Map<String, Long> generations) {
    }

    private Running upgradeOnTheSurvivorBeside(String newReplica, String version) throws Exception {
        Replica owner = replicas.values().iterator().next();
        Replica other = startReplica(newReplica);
        importVersion(owner, version);
        Map<String, Long> before = generations();
        String id = startUpgrade(owner, version);
        awaitMidUpgrade(other, id);
        return new Running(owner, other, id, before);
    }

    /** kill -9 of the replica running the upgrade, which the kubelet then reports not ready; when it was killed (nanoTime). */
    private long killOwner(Running running) throws Exception {
        Replica owner = running.owner();
        owner.process().kill();
        long killedAt = System.nanoTime();
        kubelet.notReady(owner.id());
        replicas.remove(owner.id());
        return killedAt;
    }

    // ---- processes

    private Replica startReplica(String id) throws Exception {
        int port = Processes.freePort();
        JavaProcess process = JavaProcess.start(id, WORK.resolve(id + ".log"), Map.of(), arguments(id, port));
        processes.add(process);
        Replica replica = new Replica(id, port, process);
        await(id + " ready").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsMatching(e -> e instanceof ConnectException || e instanceof HttpTimeoutException)
                .until(() -> Processes.alive(process) && send(replica, "/observe/health/ready").statusCode() == 200);
        kubelet.ready(id);
        replicas.put(id, replica);
        return replica;
    }

    private List<String> arguments(String id, int port) throws IOException {
        return List.of(
                "-Dupshift.kubernetes.mode=cluster",
                "-Dkubeconfig=" + kubeconfig,
                "-Dupshift.db.url=" + database,
                "-Dupshift.db.user=postgres",
                "-Dupshift.data.dir=" + WORK.resolve("data-" + id),
                "-Dupshift.inbox.dir=" + WORK.resolve("inbox"),
                "-Dcamel.server.port=" + port,
                "-Dupshift.instance-id=" + id,
                "-Dupshift.lock.lease=" + LOCK_LEASE.toSeconds() + "s",
                "-Dupshift.lock.heartbeat-interval=2s",
                "-Dupshift.shutdown.handover-timeout=" + HANDOVER_TIMEOUT.toSeconds() + "s",
                "-Dcamel.main.shutdown-timeout=" + SHUTDOWN_TIMEOUT.toSeconds(),
                "-Dupshift.leader.lease-duration=6s",
                "-Dupshift.leader.renew-deadline=4s",
                "-Dupshift.leader.retry-period=" + RETRY.toSeconds() + "s",
                "-Dupshift.auth.users-file=" + Processes.usersFile(WORK),
                "-jar", Processes.JAR);
    }

    private String awaitLeader(Duration within) {
        return await("a leader").atMost(within).pollInterval(Duration.ofMillis(200))
                .until(() -> kubelet.leader().orElse(""), replicas::containsKey);
    }

    private String other(String id) {
        return replicas.keySet().stream().filter(r -> !r.equals(id)).findFirst().orElseThrow();
    }

    // ---- the cluster

    private Map<String, Long> generations() {
        Map<String, Long> generations = new LinkedHashMap<>();
        for (Deployment d : cluster.apps().deployments().inNamespace(NAMESPACE).list().getItems()) {
            generations.put(d.getMetadata().getName(), d.getMetadata().getGeneration());
        }
        assertThat(generations.keySet()).containsExactlyInAnyOrderElementsOf(SERVICES);
        return generations;
    }

    /** Every Deployment at the version, rolled out, and its spec changed exactly once (no service rolled twice). */
    private void assertChangedOnce(Map<String, Long> before, String version) {
        for (Deployment d : cluster.apps().deployments().inNamespace(NAMESPACE).list().getItems()) {
            String name = d.getMetadata().getName();
            assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).as("image of %s", name)
                    .endsWith(":" + version);
            assertThat(d.getMetadata().getGeneration()).as("generation of %s", name).isEqualTo(before.get(name) + 1);
            assertThat(d.getStatus().getObservedGeneration()).as("observed generation of %s", name)
                    .isEqualTo(d.getMetadata().getGeneration());
            assertThat(d.getStatus().getUpdatedReplicas()).as("updated replicas of %s", name)
                    .isEqualTo(d.getSpec().getReplicas());
        }
    }

    /** The availability evidence of a zero-downtime upgrade: no service had fewer available replicas than it needs. */
    private static void assertZeroDowntime(JsonNode record) {
        assertThat(record.path("mode").asText()).isEqualTo("zero-downtime");
        for (JsonNode s : record.path("services")) {
            if (s.path("state").asText().equals("SUCCEEDED")) {
                assertThat(s.path("minAvailable").asInt()).as("fewest available replicas of %s", s.path("name").asText())
                        .isGreaterThanOrEqualTo(s.path("replicas").asInt()).isPositive();
            }
        }
    }

    // ---- API

    private void importVersion(Replica replica, String version) throws Exception {
        String yaml = Files.readString(Path.of("examples", "platform-5.1.2.04.yaml")).replace("5.1.2.04", version);
        HttpResponse<String> imported = send(replica, "/api/versions", "application/yaml", yaml);
        assertThat(imported.statusCode()).as(imported.body()).isBetween(200, 201);
    }

    private String startUpgrade(Replica replica, String version) throws Exception {
        HttpResponse<String> accepted = send(replica, "/api/upgrades", "application/json",
                json.writeValueAsString(Map.of("targetVersion", version, "acceptRisk", true)));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        return json.readTree(accepted.body()).path("id").asText();
    }

    /** Until a service has SUCCEEDED and others have not, seen through {@code replica}. */
    private void awaitMidUpgrade(Replica replica, String id) {
        await("a service of " + id + " done, the upgrade still running").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(25))
                .until(() -> record(replica, id), r -> {
                    String state = r.path("state").asText();
                    if (!List.of("PENDING", "PRECHECKING", "UPGRADING").contains(state)) {
                        throw new AssertionError("the upgrade ended " + state + " too early: " + r);
                    }
                    return state.equals("UPGRADING") && r.path("progress").path("completed").asInt() > 0;
                });
    }

    private JsonNode awaitEnded(Replica replica, String id) {
        return await(id + " ended").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> record(replica, id), r -> List.of("SUCCEEDED", "FAILED", "ROLLED_BACK", "STOPPED")
                        .contains(r.path("state").asText()));
    }

    private JsonNode record(Replica replica, String id) throws Exception {
        return json.readTree(send(replica, "/api/upgrades/" + id).body());
    }

    private List<String> logLines(Replica replica, String id) throws Exception {
        return Arrays.asList(send(replica, "/api/upgrades/" + id + "/logs").body().split("\n"));
    }

    private static String line(List<String> log, String text) {
        return log.stream().filter(l -> l.contains(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no log line with \"" + text + "\" in\n" + String.join("\n", log)));
    }

    /** A log line is {@code <number> <timestamp> <message>}. */
    private static Instant timestamp(String line) {
        return Instant.parse(line.split(" ", 3)[1]);
    }

    private HttpResponse<String> send(Replica replica, String path) throws Exception {
        return http.send(request(replica, path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(Replica replica, String path, String contentType, String body) throws Exception {
        return send(replica, path, contentType, body, Duration.ofSeconds(10));
    }

    private HttpResponse<String> send(Replica replica, String path, String contentType, String body, Duration timeout)
            throws Exception {
        return http.send(request(replica, path).timeout(timeout).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(Replica replica, String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + replica.port() + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((Processes.OPERATOR + ":" + Processes.PASSWORD).getBytes(StandardCharsets.UTF_8)));
    }
}
