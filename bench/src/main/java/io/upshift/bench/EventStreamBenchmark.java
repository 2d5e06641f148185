package io.upshift.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * What following costs: the same upgrade of the example platform (7 services, readiness 200 ms) run
 * with no follower and with {@code followers} clients reading {@code GET /api/upgrades/{id}/events}
 * from the start, alternately (5.1.2.04 → 5.1.2.06 → 5.1.2.04 …, after one warm-up upgrade). The
 * server (and its sandbox) runs in this JVM, the followers in a process of their own
 * ({@link EventFollowers}), so the CPU time measured here is the server's alone. Per upgrade: the
 * process's CPU time from the request until the record is SUCCEEDED (asked every 100 ms, in both
 * kinds of run) and every follower has read {@code end}; for the followed runs, the latency of every
 * live log event at every follower.
 *
 * <pre>mvn -q -B -Pbench test-compile exec:exec -Dbench.main=io.upshift.bench.EventStreamBenchmark -Dbench.args="50 3"</pre>
 * args: followers (default 50), rounds of (none, followed) (default 3).
 */
public final class EventStreamBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventStreamBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int followers = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path work = Files.createTempDirectory("upshift-bench-events");
        String v04 = Files.readString(Path.of("examples/platform-5.1.2.04.yaml"));
        String v06 = v04.replace("5.1.2.04", "5.1.2.06");
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (BenchApplication app = new BenchApplication(work, Path.of("examples/platform-5.1.2.02.yaml"), 8, "200ms");
                Followers readers = Followers.start(app, followers)) {
            check(app.post("/api/versions", "application/yaml", v04), 201);
            check(app.post("/api/versions", "application/yaml", v06), 201);
            upgrade(app, "5.1.2.04"); // warm-up
            List<Map<String, Object>> runs = new ArrayList<>();
            String target = "5.1.2.06";
            for (int round = 0; round < rounds; round++) {
                for (int n : new int[] {0, followers}) {
                    runs.add(run(app, os, readers, target, n));
                    target = target.equals("5.1.2.06") ? "5.1.2.04" : "5.1.2.06";
                }
            }
            Path out = Path.of("target/bench/event-streams.json");
            Files.createDirectories(out.getParent());
            JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), runs);
            System.out.printf("%n%9s %9s %12s %12s %13s %11s %11s  %s%n", "followers", "wall", "server CPU",
                    "live events", "latency p50", "p90", "p99", "load average");
            for (Map<String, Object> r : runs) {
                System.out.printf("%9d %6d ms %9d ms %12d %10.1f ms %8.1f ms %8.1f ms  %s%n", r.get("followers"),
                        r.get("wallMillis"), r.get("serverCpuMillis"), r.get("eventsReceived"), r.get("latencyP50Millis"),
                        r.get("latencyP90Millis"), r.get("latencyP99Millis"), r.get("loadAverage"));
            }
            System.out.println("raw: " + out);
        }
    }

    /** The followers' process, started once: it follows each upgrade id written to it. */
    private record Followers(Process process, BufferedReader out, java.io.Writer in) implements AutoCloseable {

        static Followers start(BenchApplication app, int n) throws Exception {
            Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), EventFollowers.class.getName(),
                    app.uri("").toString().replaceAll("/$", ""), app.authorization(), String.valueOf(n))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Followers f = new Followers(process, new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)), new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            String line = f.out.readLine();
            while (line != null && !line.equals("ready")) { // the JVM may print first (e.g. a JFR recording started)
                line = f.out.readLine();
            }
            if (line == null) {
                throw new IllegalStateException("the followers' process did not start");
            }
            return f;
        }

        void follow(String id) throws java.io.IOException {
            in.write(id + "\n");
            in.flush();
        }

        JsonNode result() throws java.io.IOException {
            String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException("the followers' process ended");
            }
            return JSON.readTree(line);
        }

        @Override
        public void close() throws Exception {
            in.close();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static Map<String, Object> run(BenchApplication app, com.sun.management.OperatingSystemMXBean os,
            Followers followers, String target, int n) throws Exception {
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        String id = start(app, target);
        if (n > 0) {
            followers.follow(id);
        }
        JsonNode record = app.get("/api/upgrades/" + id);
        while (!record.path("state").asText().equals("SUCCEEDED")) {
            if (record.path("state").asText().matches("FAILED|ROLLED_BACK|STOPPED|CANCELLED|FORCE_STOPPED")) {
                throw new IllegalStateException("upgrade " + id + " ended " + record.path("state").asText());
            }
            TimeUnit.MILLISECONDS.sleep(100);
            record = app.get("/api/upgrades/" + id);
        }
        JsonNode followed = n > 0 ? followers.result() : JSON.createObjectNode();
        if (n > 0 && followed.path("ended").asInt() != n) {
            throw new IllegalStateException("only " + followed.path("ended").asInt() + " followers saw the end");
        }
        long wall = (System.nanoTime() - wall0) / 1_000_000;
        long cpu = (os.getProcessCpuTime() - cpu0) / 1_000_000;
        List<Long> sorted = new ArrayList<>();
        followed.path("latencies").forEach(l -> sorted.add(l.asLong()));
        Collections.sort(sorted);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("followers", n);
        m.put("upgrade", id);
        m.put("wallMillis", wall);
        m.put("serverCpuMillis", cpu);
        m.put("loadAverage", StartBenchmark.loadAverage());
        m.put("eventsReceived", sorted.size());
        m.put("latencyP50Millis", sorted.isEmpty() ? 0.0 : BenchRuns.percentile(sorted, 50) / 1e3);
        m.put("latencyP90Millis", sorted.isEmpty() ? 0.0 : BenchRuns.percentile(sorted, 90) / 1e3);
        m.put("latencyP99Millis", sorted.isEmpty() ? 0.0 : BenchRuns.percentile(sorted, 99) / 1e3);
        return m;
    }

    private static String start(BenchApplication app, String target) throws Exception {
        HttpResponse<String> started = app.post("/api/upgrades", "application/json",
                "{\"targetVersion\":\"" + target + "\",\"acceptRisk\":true,\"allowDowngrade\":true}");
        check(started, 202);
        return app.json(started.body()).path("id").asText();
    }

    private static void upgrade(BenchApplication app, String target) throws Exception {
        String id = start(app, target);
        while (!app.get("/api/upgrades/" + id).path("state").asText().equals("SUCCEEDED")) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    private static void check(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException("answered " + response.statusCode() + ": " + response.body());
        }
    }
}
