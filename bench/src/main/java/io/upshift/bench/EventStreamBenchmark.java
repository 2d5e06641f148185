package io.upshift.bench;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * What following costs: the same upgrade of the example platform (7 services, readiness 200 ms) run
 * with no follower and with {@code followers} clients reading {@code GET /api/upgrades/{id}/events}
 * from the start, alternately (5.1.2.04 → 5.1.2.06 → 5.1.2.04 …, after one warm-up upgrade), in one
 * JVM. Per upgrade: the process's CPU time from the request to SUCCEEDED (the followers' reading
 * threads are in this JVM too: their own CPU time is printed beside it and taken off), and for the
 * followed runs the latency of every live log event at every follower (received − the line's
 * timestamp; lines written before the follower's stream opened are replays and not counted).
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
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        try (BenchApplication app = new BenchApplication(work, Path.of("examples/platform-5.1.2.02.yaml"), 8, "200ms")) {
            check(app.post("/api/versions", "application/yaml", v04), 201);
            check(app.post("/api/versions", "application/yaml", v06), 201);
            upgrade(app, "5.1.2.04"); // warm-up
            List<Map<String, Object>> runs = new ArrayList<>();
            String target = "5.1.2.06";
            for (int round = 0; round < rounds; round++) {
                for (int n : new int[] {0, followers}) {
                    runs.add(run(app, os, threads, target, n));
                    target = target.equals("5.1.2.06") ? "5.1.2.04" : "5.1.2.06";
                }
            }
            Path out = Path.of("target/bench/event-streams.json");
            Files.createDirectories(out.getParent());
            JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), runs);
            System.out.printf("%n%9s %9s %12s %13s %16s %8s %13s %11s %11s%n", "followers", "wall", "process CPU",
                    "followers' CPU", "server CPU", "live events", "latency p50", "p90", "p99");
            for (Map<String, Object> r : runs) {
                System.out.printf("%9d %6d ms %9d ms %13d ms %13d ms %8d %10.1f ms %8.1f ms %8.1f ms%n", r.get("followers"),
                        r.get("wallMillis"), r.get("processCpuMillis"), r.get("followerCpuMillis"), r.get("serverCpuMillis"),
                        r.get("eventsReceived"), r.get("latencyP50Millis"), r.get("latencyP90Millis"), r.get("latencyP99Millis"));
            }
            System.out.println("raw: " + out);
        }
    }

    private static Map<String, Object> run(BenchApplication app, com.sun.management.OperatingSystemMXBean os,
            ThreadMXBean threads, String target, int followers) throws Exception {
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        String id = start(app, target);
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicLong followerCpu = new AtomicLong();
        CountDownLatch done = new CountDownLatch(followers);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < followers; i++) {
            Thread reader = new Thread(() -> {
                try {
                    follow(app, http, id, latencies);
                } catch (Exception e) {
                    System.err.println("follower failed: " + e);
                } finally {
                    followerCpu.addAndGet(threads.getCurrentThreadCpuTime());
                    done.countDown();
                }
            }, "follower-" + i);
            reader.start();
        }
        JsonNode record = app.get("/api/upgrades/" + id);
        while (!record.path("state").asText().equals("SUCCEEDED")) {
            if (record.path("state").asText().matches("FAILED|ROLLED_BACK|STOPPED|CANCELLED|FORCE_STOPPED")) {
                throw new IllegalStateException("upgrade " + id + " ended " + record.path("state").asText());
            }
            TimeUnit.MILLISECONDS.sleep(20);
            record = app.get("/api/upgrades/" + id);
        }
        if (!done.await(2, TimeUnit.MINUTES)) {
            throw new IllegalStateException("the followers did not see the end");
        }
        long wall = (System.nanoTime() - wall0) / 1_000_000;
        long cpu = (os.getProcessCpuTime() - cpu0) / 1_000_000;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("followers", followers);
        m.put("upgrade", id);
        m.put("wallMillis", wall);
        m.put("processCpuMillis", cpu);
        m.put("followerCpuMillis", followerCpu.get() / 1_000_000);
        m.put("serverCpuMillis", cpu - followerCpu.get() / 1_000_000);
        m.put("eventsReceived", sorted.size());
        m.put("latencyP50Millis", sorted.isEmpty() ? 0.0 : BenchRuns.percentile(sorted, 50) / 1e3);
        m.put("latencyP90Millis", sorted.isEmpty() ? 0.0 : BenchRuns.percentile(sorted, 90) / 1e3);
        m.put("latencyP99Millis", sorted.isEmpty() ? 0.0 : BenchRuns.percentile(sorted, 99) / 1e3);
        return m;
    }

    /** Reads the stream to its end; each log line's latency in microseconds (received − its timestamp). */
    private static void follow(BenchApplication app, HttpClient http, String id, ConcurrentLinkedQueue<Long> latencies)
            throws Exception {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(app.uri("/api/upgrades/" + id + "/events"))
                .header("Authorization", app.authorization()).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("events answered " + response.statusCode());
        }
        Instant opened = Instant.now(); // lines written before are replayed: their latency is not the stream's
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String event = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ") && "log".equals(event)) {
                    Instant at = Instant.parse(JSON.readTree(line.substring(6)).path("at").asText());
                    Instant now = Instant.now();
                    if (at.isBefore(opened)) {
                        continue;
                    }
                    latencies.add((now.getEpochSecond() - at.getEpochSecond()) * 1_000_000
                            + (now.getNano() - at.getNano()) / 1_000);
                }
            }
        }
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
