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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

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

/**
 * A real crash: the sandbox cluster runs as its own process ({@code SandboxMain}) and outlives
 * Upshift, which runs from {@code target/upshift.jar} in cluster mode against it and is killed
 * with {@code kill -9} in the middle of an upgrade; the database (H2 file) and the cluster keep
 * what the killed process left.
 *
 * <ol>
 * <li>Same instance id: the restarted process takes its lock back at once and finishes the
 * upgrade; what was finished before the crash is not rolled again.</li>
 * <li>Another instance id: the upgrade that process (the one restarted in 1) is running when it
 * is killed is taken over by a process with a different id only once the crashed one's lease
 * has expired. The lease (20 s, or twice the slowest start-up seen so far on a loaded machine) is
 * longer than the new process's start-up and election, so that it finds a live lease and has to
 * wait: with a shorter one it would only ever find it expired.</li>
 * <li>Killed while ROLLING_BACK a failed upgrade: the restarted process finishes the rollback
 * (ROLLED_BACK), it does not resume the forward upgrade.</li>
 * <li>Killed while STOPPING a downtime upgrade with services down: the restarted process brings
 * them back (STOPPED), and no Deployment is left at 0 replicas.</li>
 * </ol>
 * Each case continues from the one before (same cluster and database), which saves a cluster and
 * an Upshift start. Output of every process: {@code target/it/crash-resume/*.log}.
 *
 * <p>The leader alone resumes upgrades, and only a ready Pod can lead: the test plays the kubelet
 * ({@link Kubelet}), reporting each process's Pod ready once it answers its readiness probe and not
 * ready once it is killed. A process restarted with the killed one's instance id first waits for the
 * killed one's registration to expire ({@code upshift.instance.lease}, short here).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CrashResumeIT {

    private static final Path WORK = Path.of("target", "it", "crash-resume").toAbsolutePath();
    private static final String JAR = Processes.JAR;
    private static final String NAMESPACE = "platform";
    private static final Duration MIN_LEASE = Duration.ofSeconds(20);
    private static final Path KUBECTL = Path.of("/usr/bin/kubectl");
    private static final List<String> SERVICES = List.of("config-center", "auth", "metadata", "scheduler",
            "data-service", "gateway", "web-console");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final List<JavaProcess> processes = new ArrayList<>();
    private Path kubeconfig;
    private Path data;
    private int port;
    /** The Upshift process running now. */
    private JavaProcess upshift;
    private String instanceId;
    private Kubelet kubelet;
    /** The longest an Upshift process took to become healthy here. */
    private Duration slowestStart = Duration.ZERO;

    @BeforeAll
    void startSandbox() throws Exception {
        Processes.deleteRecursively(WORK);
        Files.createDirectories(WORK);
        data = WORK.resolve("upshift-data");
        port = Processes.freePort();
        processes.add(Processes.startSandbox(WORK, "300ms"));
        kubeconfig = Processes.kubeconfig(WORK);
        kubelet = new Kubelet(kubeconfig, NAMESPACE);
    }

    @AfterAll
    void stopProcesses() throws Exception {
        Processes.stopAll(processes);
        if (kubelet != null) {
            kubelet.close();
        }
    }

    @Test
    @Order(1)
    void aRestartWithTheSameInstanceIdResumesAtOnceAndSkipsWhatIsDone() throws Exception {
        // fabric8's two ways to a kubeconfig: the KUBECONFIG variable here, the kubeconfig property below
        upshift = startUpshift("upshift-1", "it-node", Map.of("KUBECONFIG", kubeconfig.toString()), List.of());
        importVersion(Files.readString(Path.of("examples", "platform-5.1.2.04.yaml")));
        String id = startUpgrade("5.1.2.04");
        JsonNode lastSeen = awaitMidUpgrade(id);
        upshift.kill();
        kubelet.notReady(instanceId);

        Crashed crashed = readDatabase(id);
        assertThat(crashed.state()).isEqualTo("UPGRADING");
        assertThat(crashed.lockHolder()).isEqualTo(id);
        Set<String> finished = crashed.servicesIn("SUCCEEDED");
        // what the API reported before the kill was committed, so the database has it (no lost writes)
        assertThat(finished).containsAll(servicesIn(lastSeen, "SUCCEEDED")).hasSizeLessThan(SERVICES.size());
        Map<String, DeploymentView> atCrash = deployments();

        upshift = startUpshift("upshift-2", "it-node", Map.of(), List.of("-Dkubeconfig=" + kubeconfig));
        JsonNode done = awaitState(id, "SUCCEEDED");

        assertEveryDeploymentRolledOutAt("5.1.2.04");
        List<String> log = logLines(id);
        List<String> afterCrash = log.subList(crashed.logLines(), log.size());
        assertThat(afterCrash).anyMatch(l -> l.contains("Upshift restarted: resuming"));
        Map<String, DeploymentView> atEnd = deployments();
        for (String service : finished) {
            assertThat(afterCrash).as("log of %s after the restart", service)
                    .noneMatch(l -> l.contains(service + ": rolling update"));
            assertThat(atEnd.get(service).generation()).as("generation of %s", service)
                    .isEqualTo(atCrash.get(service).generation());
            assertThat(service(done, service).path("finishedAt"))
                    .isEqualTo(service(crashed.record(), service).path("finishedAt"));
        }
        for (JsonNode service : done.path("services")) {
            assertThat(service.path("state").asText()).as(service.path("name").asText())
                    .isIn("SUCCEEDED", "ALREADY_AT_TARGET");
        }
        JsonNode platform = getJson("/api/platform");
        assertThat(platform.path("currentVersion").asText()).isEqualTo("5.1.2.04");
        assertThat(platform.path("upgradeInProgress").isNull()).isTrue();
    }

    @Test
    @Order(2)
    void anotherInstanceTakesTheLockOfACrashedOneOverOnlyWhenItsLeaseHasExpired() throws Exception {
        assertThat(upshift).as("the Upshift process the first case restarted").isNotNull();
        assertThat(upshift.isAlive()).as("%s is alive", upshift).isTrue();
        importVersion(Files.readString(Path.of("examples", "platform-5.1.2.04.yaml")).replace("5.1.2.04", "5.1.2.05"));
        String id = startUpgrade("5.1.2.05");
        JsonNode lastSeen = awaitMidUpgrade(id);
        upshift.kill();
        kubelet.notReady(instanceId);

        Crashed crashed = readDatabase(id);
        assertThat(crashed.state()).isEqualTo("UPGRADING");
        assertThat(crashed.servicesIn("SUCCEEDED")).containsAll(servicesIn(lastSeen, "SUCCEEDED"));
        assertThat(crashed.lockHolder()).isEqualTo(id);
        assertThat(crashed.lockInstance()).isEqualTo("it-node");
        Instant expiry = crashed.lockExpiresAt();

        upshift = startUpshift("upshift-3", "it-node-other", Map.of("KUBECONFIG", kubeconfig.toString()), List.of());
        awaitState(id, "SUCCEEDED");

        List<String> all = logLines(id);
        List<String> log = all.subList(crashed.logLines(), all.size());
        String waited = line(log, "the platform lock is held by " + id + " on instance it-node until");
        String resumed = line(log, "Upshift restarted: resuming");
        assertThat(timestamp(waited)).as("the new instance saw the live lease (%s)", waited).isBefore(expiry);
        assertThat(timestamp(resumed)).as("resumed after the lease expired at %s", expiry).isAfterOrEqualTo(expiry);
        assertEveryDeploymentRolledOutAt("5.1.2.05");
        assertThat(getJson("/api/platform").path("currentVersion").asText()).isEqualTo("5.1.2.05");
    }

    @Test
    @Order(3)
    void killedWhileRollingBackTheRestartFinishesTheRollbackNotTheUpgrade() throws Exception {
        assertThat(upshift.isAlive()).as("%s is alive", upshift).isTrue();
        importVersion(Files.readString(Path.of("examples", "platform-5.1.2.04.yaml")).replace("5.1.2.04", "5.1.2.06")
                .replace("gateway:5.1.2.06", "gateway:broken-5.1.2.06"));
        // the deployment controller reports a stuck rollout of gateway after 2 s without progress
        try (KubernetesClient client = client()) {
            client.apps().deployments().inNamespace(NAMESPACE).withName("gateway").edit(d -> {
                d.getSpec().setProgressDeadlineSeconds(2);
                return d;
            });
        }
        String id = startUpgrade("5.1.2.06");
        await(id + " rolling back").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
                .until(() -> getJson("/api/upgrades/" + id).path("state").asText(), s -> {
                    if (List.of("ROLLED_BACK", "FAILED", "SUCCEEDED").contains(s)) {
                        throw new AssertionError("the upgrade ended " + s + " before the crash");
                    }
                    return s.equals("ROLLING_BACK");
                });
        upshift.kill();
        kubelet.notReady(instanceId);

        Crashed crashed = readDatabase(id);
        assertThat(crashed.state()).isEqualTo("ROLLING_BACK");
        upshift = startUpshift("upshift-4", "it-node-other", Map.of("KUBECONFIG", kubeconfig.toString()), List.of());
        JsonNode ended = awaitState(id, "ROLLED_BACK");

        assertThat(ended.path("message").asText()).startsWith("gateway: ").endsWith("every changed service was rolled back");
        assertEveryDeploymentRolledOutAt("5.1.2.05");
        List<String> all = logLines(id);
        List<String> afterCrash = all.subList(crashed.logLines(), all.size());
        assertThat(afterCrash).anyMatch(l -> l.contains("Upshift restarted: resuming ROLLING_BACK"));
        assertThat(afterCrash).noneMatch(l -> l.contains("rolling update to"));
        assertThat(getJson("/api/platform").path("currentVersion").asText()).isEqualTo("5.1.2.05");
    }

    @Test
    @Order(4)
    void killedWhileStoppingADowntimeUpgradeTheRestartBringsEveryServiceBackUp() throws Exception {
        assertThat(upshift.isAlive()).as("%s is alive", upshift).isTrue();
        importVersion(Files.readString(Path.of("examples", "platform-5.2.0.01.yaml")));
        String id = startUpgrade("5.2.0.01");
        await("a service of " + id + " down").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> getJson("/api/upgrades/" + id), r -> !servicesIn(r, "SCALED_DOWN").isEmpty());
        HttpResponse<String> stop = send(HttpRequest.newBuilder(uri("/api/upgrades/" + id + "/stop"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("")));
        assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
        upshift.kill();
        kubelet.notReady(instanceId);

        Crashed crashed = readDatabase(id);
        assertThat(crashed.state()).isEqualTo("STOPPING");
        upshift = startUpshift("upshift-5", "it-node-other", Map.of("KUBECONFIG", kubeconfig.toString()), List.of());
        awaitState(id, "STOPPED");

        assertEveryDeploymentRolledOutAt("5.1.2.05");
        deployments().forEach((name, d) -> assertThat(d.replicas()).as("replicas of %s", name).isEqualTo(2));
        assertThat(logLines(id)).anyMatch(l -> l.contains("Upshift restarted: resuming STOPPING"));
        assertThat(getJson("/api/platform").path("currentVersion").asText()).isEqualTo("5.1.2.05");
    }

    @Test
    @Order(5)
    void killedWhileAJobRunsTheRestartFindsItByNameAndWaitsForItWithoutRunningItTwice() throws Exception {
        assertThat(upshift.isAlive()).as("%s is alive", upshift).isTrue();
        // a version-level before-job that runs 30 s (the sandbox runs `sleep N` for N seconds): long enough to
        // outlive the crash and the restart's start-up (6-15 s: this class's other restarts, the crash soak's)
        importVersion(Files.readString(Path.of("examples", "platform-5.1.2.04.yaml")).replace("5.1.2.04", "5.1.2.07")
                + "jobs:\n  before:\n    - name: migrate\n      image: registry.upshift.local/dataphin/migrations:5.1.2.07\n"
                + "      command: [sleep, \"30\"]\n");
        String id = startUpgrade("5.1.2.07");
        String job = "migrate-" + id.toLowerCase() + "-1";
        try (KubernetesClient client = client()) {
            await("job " + job + " running").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> client.batch().v1().jobs().inNamespace(NAMESPACE).withName(job).get(),
                            j -> j != null && j.getStatus() != null && j.getStatus().getActive() != null);
            upshift.kill();
            kubelet.notReady(instanceId);
            Crashed crashed = readDatabase(id);
            assertThat(crashed.state()).isEqualTo("UPGRADING");
            String uid = client.batch().v1().jobs().inNamespace(NAMESPACE).withName(job).get().getMetadata().getUid();

            upshift = startUpshift("upshift-6", "it-node-other", Map.of("KUBECONFIG", kubeconfig.toString()), List.of());
            assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).withName(job).get().getStatus().getSucceeded())
                    .as("the job still runs when the restarted process resumes").isNull();
            JsonNode ended = awaitState(id, "SUCCEEDED");

            // one Job, the same one, with one pod: found by name and waited for, not created again
            assertThat(client.batch().v1().jobs().inNamespace(NAMESPACE).withLabel("upshift.io/upgrade", id.toLowerCase())
                    .list().getItems()).singleElement().satisfies(j -> {
                        assertThat(j.getMetadata().getUid()).isEqualTo(uid);
                        assertThat(j.getStatus().getSucceeded()).isEqualTo(1);
                    });
            assertThat(client.pods().inNamespace(NAMESPACE).withLabel("job-name", job).list().getItems())
                    .extracting(p -> p.getMetadata().getName()).containsExactly(job + "-1");
            assertThat(ended.path("jobs").get(0).path("state").asText()).isEqualTo("SUCCEEDED");
            assertThat(Files.readString(WORK.resolve("upshift-6.log")))
                    .contains("Job " + NAMESPACE + "/" + job + " exists already: waiting for it");
            List<String> all = logLines(id);
            assertThat(all.subList(crashed.logLines(), all.size()))
                    .anyMatch(l -> l.contains("Upshift restarted: resuming"))
                    .anyMatch(l -> l.contains("job migrate: succeeded"));
        }
        assertEveryDeploymentRolledOutAt("5.1.2.07");
    }

    private KubernetesClient client() throws IOException {
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
    }

    // ---- processes

    private JavaProcess startUpshift(String name, String instanceId, Map<String, String> environment,
            List<String> properties) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(
                "-Dupshift.kubernetes.mode=cluster",
                "-Dupshift.data.dir=" + data,
                "-Dupshift.inbox.dir=" + WORK.resolve("inbox"),
                "-Dcamel.server.port=" + port,
                "-Dupshift.instance-id=" + instanceId,
                "-Dupshift.lock.lease=" + lease().toMillis() + "ms",
                "-Dupshift.lock.heartbeat-interval=1s",
                // a restart with the same id waits for the killed process's registration to expire
                "-Dupshift.instance.lease=4s",
                "-Dupshift.leader.lease-duration=4s",
                "-Dupshift.leader.renew-deadline=3s",
                "-Dupshift.leader.retry-period=1s",
                "-Dupshift.auth.users-file=" + Processes.usersFile(WORK)));
        arguments.addAll(properties);
        arguments.addAll(List.of("-jar", JAR));
        long started = System.nanoTime();
        JavaProcess process = JavaProcess.start(name, WORK.resolve(name + ".log"), environment, arguments);
        processes.add(process);
        await(name + " ready").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                // a process still starting may accept the connection and answer only after the request's timeout
                .ignoreExceptionsMatching(e -> e instanceof ConnectException || e instanceof java.net.http.HttpTimeoutException)
                .until(() -> Processes.alive(process)
                        && send(HttpRequest.newBuilder(uri("/observe/health/ready")).GET()).statusCode() == 200);
        kubelet.ready(instanceId);
        this.instanceId = instanceId;
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        slowestStart = took.compareTo(slowestStart) > 0 ? took : slowestStart;
        return process;
    }

    /** Long enough for a process started after a crash to find the crashed one's lease still live. */
    private Duration lease() {
        Duration twiceTheSlowestStart = slowestStart.multipliedBy(2);
        return twiceTheSlowestStart.compareTo(MIN_LEASE) > 0 ? twiceTheSlowestStart : MIN_LEASE;
    }

    // ---- API

    private void importVersion(String yaml) throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/versions"))
                .header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(yaml)));
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 201);
    }

    private String startUpgrade(String version) throws Exception {
        String body = json.writeValueAsString(Map.of("targetVersion", version, "acceptRisk", true));
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/upgrades"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return json.readTree(response.body()).path("id").asText();
    }

    /** Until a service has SUCCEEDED and others have not: the moment to crash. Returns the record seen then. */
    private JsonNode awaitMidUpgrade(String id) {
        return await("a service of " + id + " done, the upgrade still running").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(25))
                .until(() -> getJson("/api/upgrades/" + id), record -> {
                    String state = record.path("state").asText();
                    if (!List.of("PENDING", "PRECHECKING", "UPGRADING").contains(state)) {
                        throw new AssertionError("the upgrade ended " + state + " before the crash: " + record);
                    }
                    return state.equals("UPGRADING") && !servicesIn(record, "SUCCEEDED").isEmpty();
                });
    }

    private JsonNode awaitState(String id, String state) {
        return await(id + " " + state).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> getJson("/api/upgrades/" + id), r -> r.path("state").asText().equals(state));
    }

    private List<String> logLines(String id) throws Exception {
        return Arrays.asList(send(HttpRequest.newBuilder(uri("/api/upgrades/" + id + "/logs")).GET()).body().split("\n"));
    }

    private JsonNode getJson(String path) throws Exception {
        return json.readTree(send(HttpRequest.newBuilder(uri(path)).GET()).body());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return Processes.send(http, request);
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    // ---- what the killed process left in its database

    private record Crashed(String state, JsonNode record, int logLines, String lockHolder, String lockInstance,
            Instant lockExpiresAt) {

        Set<String> servicesIn(String serviceState) {
            return CrashResumeIT.servicesIn(record, serviceState);
        }
    }

    private static Set<String> servicesIn(JsonNode record, String serviceState) {
        Set<String> names = new TreeSet<>();
        record.path("services").forEach(s -> {
            if (s.path("state").asText().equals(serviceState)) {
                names.add(s.path("name").asText());
            }
        });
        return names;
    }

    /** Opens the H2 file the killed process used (nothing else has it open) and closes it again. */
    private Crashed readDatabase(String id) throws Exception {
        String url = "jdbc:h2:file:" + data.resolve("upshift");
        String password = java.nio.file.Files.readString(data.resolve(io.upshift.config.DataFolder.PASSWORD_FILE)).trim();
        try (Connection c = DriverManager.getConnection(url, "upshift", password)) {
            String state;
            JsonNode record;
            try (ResultSet row = query(c, "SELECT state, document FROM upgrade_record WHERE id = ?", id)) {
                assertThat(row.next()).as("record %s stored", id).isTrue();
                state = row.getString(1);
                record = json.readTree(row.getString(2));
            }
            // each service's line is a row of its own
            var services = ((com.fasterxml.jackson.databind.node.ObjectNode) record).putArray("services");
            try (ResultSet row = query(c, "SELECT document FROM upgrade_service WHERE upgrade_id = ? ORDER BY position", id)) {
                while (row.next()) {
                    services.add(json.readTree(row.getString(1)));
                }
            }
            int lines;
            try (ResultSet row = query(c, "SELECT COUNT(*) FROM upgrade_log WHERE upgrade_id = ?", id)) {
                row.next();
                lines = row.getInt(1);
            }
            try (ResultSet row = query(c, "SELECT holder, owner_instance, expires_at FROM platform_lock WHERE lock_key = ?",
                    "platform")) {
                assertThat(row.next()).as("the platform lock is still held").isTrue();
                return new Crashed(state, record, lines, row.getString(1), row.getString(2),
                        row.getObject(3, OffsetDateTime.class).toInstant());
            }
        }
    }

    private static ResultSet query(Connection c, String sql, String parameter) throws SQLException {
        PreparedStatement statement = c.prepareStatement(sql);
        statement.setString(1, parameter);
        statement.closeOnCompletion();
        return statement.executeQuery();
    }

    // ---- the cluster, as an operator sees it

    private record DeploymentView(long generation, long observedGeneration, int replicas, int updated, int available,
            String image) {

        boolean rolledOut() {
            return observedGeneration >= generation && updated == replicas && available == replicas;
        }
    }

    private void assertEveryDeploymentRolledOutAt(String version) throws Exception {
        Map<String, DeploymentView> deployments = deployments();
        assertThat(deployments.keySet()).containsExactlyInAnyOrderElementsOf(SERVICES);
        deployments.forEach((name, d) -> {
            assertThat(d.image()).as("image of %s", name).endsWith(":" + version);
            assertThat(d.rolledOut()).as("%s rolled out: %s", name, d).isTrue();
        });
    }

    /** The platform's Deployments: by kubectl when the machine has it, else by the fabric8 client. */
    private Map<String, DeploymentView> deployments() throws Exception {
        return Files.isExecutable(KUBECTL) ? deploymentsByKubectl() : deploymentsByClient();
    }

    private Map<String, DeploymentView> deploymentsByKubectl() throws Exception {
        String template = "{range .items[*]}{.metadata.name} {.metadata.generation} {.status.observedGeneration} "
                + "{.spec.replicas} {.status.updatedReplicas} {.status.availableReplicas} "
                + "{.spec.template.spec.containers[0].image}{\"\\n\"}{end}";
        Process kubectl = new ProcessBuilder(KUBECTL.toString(), "--kubeconfig", kubeconfig.toString(), "-n", NAMESPACE,
                "get", "deployments", "-o", "jsonpath=" + template).redirectErrorStream(true).start();
        String out = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kubectl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(kubectl.exitValue()).as(out).isZero();
        Map<String, DeploymentView> views = new LinkedHashMap<>();
        for (String line : out.strip().split("\n")) {
            String[] f = line.split(" ");
            assertThat(f).as(line).hasSize(7);
            views.put(f[0], new DeploymentView(number(f[1]), number(f[2]), (int) number(f[3]), (int) number(f[4]),
                    (int) number(f[5]), f[6]));
        }
        return views;
    }

    private Map<String, DeploymentView> deploymentsByClient() throws Exception {
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build()) {
            Map<String, DeploymentView> views = new LinkedHashMap<>();
            for (Deployment d : client.apps().deployments().inNamespace(NAMESPACE).list().getItems()) {
                views.put(d.getMetadata().getName(), new DeploymentView(orZero(d.getMetadata().getGeneration()),
                        orZero(d.getStatus().getObservedGeneration()), (int) orZero(d.getSpec().getReplicas()),
                        (int) orZero(d.getStatus().getUpdatedReplicas()), (int) orZero(d.getStatus().getAvailableReplicas()),
                        d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()));
            }
            return views;
        }
    }

    private static long number(String text) {
        return text.isEmpty() ? 0 : Long.parseLong(text);
    }

    private static long orZero(Number n) {
        return n == null ? 0 : n.longValue();
    }

    // ---- helpers

    private static JsonNode service(JsonNode record, String name) {
        for (JsonNode s : record.path("services")) {
            if (s.path("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no service " + name + " in " + record);
    }

    private static String line(List<String> log, String text) {
        return log.stream().filter(l -> l.contains(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no log line with \"" + text + "\" in\n" + String.join("\n", log)));
    }

    /** A log line is {@code <number> <timestamp> <message>}. */
    private static Instant timestamp(String line) {
        return Instant.parse(line.split(" ", 3)[1]);
    }
}
