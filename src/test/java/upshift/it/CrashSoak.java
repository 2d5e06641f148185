package upshift.it;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.upshift.kubernetes.DeploymentRules;

import static org.awaitility.Awaitility.await;

/**
 * The crash soak of issue 19, outside {@code mvn verify} (a main, not a test): the sandbox runs as its own
 * process ({@code SandboxMain}), Upshift from {@code target/upshift.jar} in cluster mode against it. Each round
 * imports the next version (every fourth a new minor line: a downtime upgrade; the others the next patch:
 * zero downtime), requests the upgrade, {@code kill -9}s Upshift at a random point (0 to 3 s after the 202),
 * starts it again with the same instance id and data, and waits for the upgrade to end. Each round must end
 * with one record in a terminal state consistent with the cluster: SUCCEEDED with every Deployment rolled out
 * at the target, or ROLLED_BACK with every one back at its image before; and the platform lock free.
 * Prints a line a round and a summary, and writes target/bench/crash-soak.json.
 * <p>{@code mvn -B package -DskipTests && mvn -q -B -Pbench test-compile exec:exec -Dbench.main=upshift.it.CrashSoak
 * -Dbench.args="20 42"} (rounds, random seed).
 */
public final class CrashSoak {

    private static final Path WORK = Path.of("target", "it", "crash-soak").toAbsolutePath();
    private static final String NAMESPACE = "platform";
    private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "ROLLED_BACK", "ROLLBACK_FAILED",
            "STOPPED", "CANCELLED", "FORCE_STOPPED");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final List<JavaProcess> processes = new ArrayList<>();
    private final int port;
    private final Path kubeconfig;
    private final Kubelet kubelet;
    private JavaProcess upshift;

    private CrashSoak() throws Exception {
        Processes.deleteRecursively(WORK);
        Files.createDirectories(WORK);
        port = Processes.freePort();
        processes.add(Processes.startSandbox(WORK, "300ms"));
        kubeconfig = Processes.kubeconfig(WORK);
        kubelet = new Kubelet(kubeconfig, NAMESPACE);
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Random random = new Random(args.length > 1 ? Long.parseLong(args[1]) : 42);
        CrashSoak soak = new CrashSoak();
        List<Map<String, Object>> results = new ArrayList<>();
        int failures = 0;
        try {
            soak.start();
            String version = "5.1.2.02";
            for (int round = 1; round <= rounds; round++) {
                String[] v = version.split("\\.");
                String next = round % 4 == 0 ? v[0] + "." + (Integer.parseInt(v[1]) + 1) + ".0.01"
                        : v[0] + "." + v[1] + "." + v[2] + "." + String.format("%02d", Integer.parseInt(v[3]) + 1);
                Map<String, Object> r = soak.round(round, version, next, random.nextInt(3000));
                results.add(r);
                System.out.println(r);
                if (!Boolean.TRUE.equals(r.get("consistent"))) {
                    failures++;
                }
                if ("SUCCEEDED".equals(r.get("state"))) {
                    version = next;
                }
            }
        } finally {
            soak.stop();
        }
        Path out = Path.of("target", "bench", "crash-soak.json");
        Files.createDirectories(out.getParent());
        soak.json.writeValue(out.toFile(), results);
        Map<Object, Long> outcomes = new java.util.TreeMap<>();
        results.forEach(r -> outcomes.merge(r.get("state"), 1L, Long::sum));
        System.out.printf("%nrounds %d, inconsistent %d, outcomes %s, restart to ready: median %d ms, max %d ms;"
                + " restart to ended: median %d ms, max %d ms%n", results.size(), failures, outcomes,
                median(results, "readyMs"), max(results, "readyMs"), median(results, "endedMs"), max(results, "endedMs"));
        System.exit(failures == 0 ? 0 : 1);
    }

    private Map<String, Object> round(int round, String from, String target, int killAfterMs) throws Exception {
        String config = Files.readString(Path.of("examples", "platform-5.1.2.04.yaml")).replace("5.1.2.04", target);
        HttpResponse<String> imported = send(HttpRequest.newBuilder(uri("/api/versions"))
                .header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(config)));
        check(imported.statusCode() / 100 == 2, "import " + target + ": " + imported.body());
        HttpResponse<String> accepted = send(HttpRequest.newBuilder(uri("/api/upgrades"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"targetVersion\":\"" + target + "\",\"acceptRisk\":true}")));
        check(accepted.statusCode() == 202, "upgrade to " + target + ": " + accepted.body());
        String id = json.readTree(accepted.body()).path("id").asText();
        Thread.sleep(killAfterMs); // a random point of the upgrade (a soak, not a test)
        String atKill = state(id);
        upshift.kill();
        long restarted = System.nanoTime();
        start();
        long ready = System.nanoTime();
        JsonNode ended = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> getJson("/api/upgrades/" + id), r -> TERMINAL.contains(r.path("state").asText()));
        long done = System.nanoTime();

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("round", round);
        r.put("upgrade", id);
        r.put("mode", ended.path("mode").asText());
        r.put("target", target);
        r.put("killAfterMs", killAfterMs);
        r.put("stateAtKill", atKill);
        r.put("state", ended.path("state").asText());
        r.put("readyMs", (ready - restarted) / 1_000_000);
        r.put("endedMs", (done - restarted) / 1_000_000);
        List<String> problems = consistency(ended, from, target);
        boolean lockFree = getJson("/api/platform").path("upgradeInProgress").isNull();
        if (!lockFree) {
            problems.add("the platform lock is still held");
        }
        long records = 0;
        for (JsonNode u : getJson("/api/upgrades?size=200")) {
            records += u.path("id").asText().equals(id) ? 1 : 0;
        }
        if (records != 1) {
            problems.add(records + " records of the upgrade");
        }
        r.put("consistent", problems.isEmpty());
        r.put("problems", problems);
        return r;
    }

    /** Every Deployment rolled out at the image the outcome says (the target, or the image before). */
    private List<String> consistency(JsonNode record, String from, String target) throws Exception {
        List<String> problems = new ArrayList<>();
        String state = record.path("state").asText();
        String expected = state.equals("SUCCEEDED") ? target : state.equals("ROLLED_BACK") ? from : null;
        if (expected == null) {
            problems.add("ended " + state + ": " + record.path("message").asText());
            return problems;
        }
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build()) {
            for (JsonNode s : record.path("services")) {
                Deployment d = client.apps().deployments().inNamespace(NAMESPACE).withName(s.path("deployment").asText())
                        .get();
                String image = d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
                if (!image.endsWith(":" + expected) || !DeploymentRules.rolledOut(d)
                        || DeploymentRules.desiredReplicas(d) == 0) {
                    problems.add(s.path("name").asText() + " at " + image + ", replicas " + DeploymentRules.desiredReplicas(d)
                            + (DeploymentRules.rolledOut(d) ? "" : ", not rolled out") + " (expected :" + expected + ")");
                }
            }
        }
        return problems;
    }

    private void start() throws Exception {
        List<String> arguments = List.of("-Dupshift.kubernetes.mode=cluster", "-Dupshift.data.dir=" + WORK.resolve("data"),
                "-Dupshift.inbox.dir=" + WORK.resolve("inbox"), "-Dcamel.server.port=" + port,
                "-Dupshift.instance-id=soak-node", "-Dupshift.lock.lease=20s", "-Dupshift.lock.heartbeat-interval=1s",
                "-Dupshift.instance.lease=4s", "-Dupshift.leader.lease-duration=4s", "-Dupshift.leader.renew-deadline=3s",
                "-Dupshift.leader.retry-period=1s", "-Dupshift.auth.users-file=" + Processes.usersFile(WORK),
                "-jar", Processes.JAR);
        upshift = JavaProcess.start("upshift", WORK.resolve("upshift.log"), Map.of("KUBECONFIG", kubeconfig.toString()),
                arguments);
        processes.add(upshift);
        JavaProcess starting = upshift;
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsMatching(e -> e instanceof ConnectException || e instanceof java.net.http.HttpTimeoutException)
                .until(() -> Processes.alive(starting)
                        && send(HttpRequest.newBuilder(uri("/observe/health/ready")).GET()).statusCode() == 200);
        kubelet.ready("soak-node");
    }

    private void stop() throws Exception {
        Processes.stopAll(processes);
        kubelet.close();
    }

    private String state(String id) {
        try {
            return getJson("/api/upgrades/" + id).path("state").asText();
        } catch (Exception e) {
            return "unknown";
        }
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

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException(what);
        }
    }

    private static long median(List<Map<String, Object>> results, String key) {
        List<Long> values = results.stream().map(r -> (Long) r.get(key)).sorted().toList();
        return values.isEmpty() ? 0 : values.get(values.size() / 2);
    }

    private static long max(List<Map<String, Object>> results, String key) {
        return results.stream().mapToLong(r -> (Long) r.get(key)).max().orElse(0);
    }
}
