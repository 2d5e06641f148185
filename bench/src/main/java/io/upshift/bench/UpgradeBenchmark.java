package io.upshift.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Upgrade benchmark: for each platform size, a zero-downtime upgrade of a generated platform
 * (dependency graph of depth 4) on the sandbox cluster, through the real application and its HTTP
 * API, against the critical-path ideal and against an operator's kubectl script. See BENCHMARKS.md.
 *
 * <pre>
 * mvn -q -B -Pbench test-compile exec:exec -Dbench.args="10 100 500 [--readiness-delay 200ms] [--script-max 100]"
 * </pre>
 *
 * Every measurement runs in a JVM of its own (peak RSS is that run's alone); the forks' logs and raw
 * results go to {@code target/bench/}. The kubectl script runs for sizes up to {@code --script-max}
 * (default 100: at 500 it takes many minutes).
 */
public final class UpgradeBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private UpgradeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--fork")) {
            fork(args);
            return;
        }
        List<Integer> sizes = new ArrayList<>();
        String delay = "200ms";
        int scriptMax = 100;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--readiness-delay" -> delay = args[++i];
                case "--script-max" -> scriptMax = Integer.parseInt(args[++i]);
                default -> sizes.add(Integer.parseInt(args[i]));
            }
        }
        if (sizes.isEmpty()) {
            sizes = List.of(10, 100, 500);
        }
        Path out = Path.of("target", "bench").toAbsolutePath();
        Files.createDirectories(out);
        Map<Integer, JsonNode> results = new LinkedHashMap<>();
        for (int n : sizes) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("services", n);
            row.putAll(JSON.convertValue(run(out, "upshift", n, delay), Map.class));
            if (n <= scriptMax) {
                row.putAll(JSON.convertValue(run(out, "script", n, delay), Map.class));
            }
            results.put(n, JSON.valueToTree(row));
            System.err.printf("%d services done: %s%n", n, JSON.writeValueAsString(row).replaceAll("\\s+", " "));
        }
        Files.writeString(out.resolve("results.json"), JSON.writeValueAsString(results));
        System.out.println(table(results, delay, scriptMax));
    }

    /** Runs one measurement in a fresh JVM and reads back its result. */
    private static JsonNode run(Path out, String mode, int n, String delay) throws Exception {
        Path work = Files.createTempDirectory("upshift-bench-" + mode + "-" + n + "-");
        Path result = out.resolve(mode + "-" + n + ".json");
        Files.deleteIfExists(result);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                UpgradeBenchmark.class.getName(), "--fork", mode, String.valueOf(n), delay, work.toString(),
                result.toString())
                .redirectErrorStream(true).redirectOutput(out.resolve(mode + "-" + n + ".log").toFile()).start();
        int exit = process.waitFor();
        if (exit != 0 || !Files.exists(result)) {
            throw new IllegalStateException(mode + " run of " + n + " services failed (exit " + exit + "); see "
                    + out.resolve(mode + "-" + n + ".log"));
        }
        return JSON.readTree(result.toFile());
    }

    private static void fork(String[] args) throws Exception {
        String mode = args[1];
        int n = Integer.parseInt(args[2]);
        String delay = args[3];
        Path work = Path.of(args[4]);
        Map<String, Object> result = "script".equals(mode) ? BenchRuns.script(n, delay, work)
                : BenchRuns.upshift(n, delay, work);
        Files.writeString(Path.of(args[5]), JSON.writeValueAsString(result));
        System.exit(0); // non-daemon threads of the stopped application must not keep the fork alive
    }

    private static String table(Map<Integer, JsonNode> results, String delay, int scriptMax) {
        StringBuilder md = new StringBuilder();
        md.append("Readiness delay ").append(delay).append(", 2 replicas, maxSurge 1 / maxUnavailable 0, depth 4, ")
                .append("parallelism = services. Upshift: 1st upgrade after start (cold JVM) / 2nd upgrade (warm).\n\n");
        md.append("| Services | Step alone (median) | Critical-path ideal (4 × step) | Upshift wall 1st / 2nd "
                + "| Overhead 1st | Overhead 2nd | API requests / service | Peak RSS | kubectl script wall "
                + "| Script ÷ Upshift 1st |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (JsonNode r : results.values()) {
            double ideal = r.path("idealMillis").asDouble();
            int n = r.path("services").asInt();
            JsonNode first = r.path("first");
            JsonNode second = r.path("second");
            double wall = first.path("wallMillis").asDouble();
            md.append(String.format(Locale.ROOT, "| %d | %d ms | %s | %s / %s | %s | %s | %.2f | %d MiB | %s | %s |%n",
                    n, r.path("stepMillis").asLong(), ms(ideal), ms(wall), ms(second.path("wallMillis").asDouble()),
                    overhead(wall, ideal), overhead(second.path("wallMillis").asDouble(), ideal),
                    first.path("requests").asDouble() / n, r.path("peakRssKiB").asLong() / 1024,
                    r.has("scriptWallMillis") ? ms(r.path("scriptWallMillis").asDouble()) : "not run (> " + scriptMax + ")",
                    r.has("scriptWallMillis") ? String.format(Locale.ROOT, "%.1f×",
                            r.path("scriptWallMillis").asDouble() / wall) : "–"));
        }
        md.append("\nWhere Upshift's time goes (1st / 2nd upgrade; service timestamps from the Upgrade Record):\n\n");
        md.append("| Services | POST → 202 | Request recorded → first start | Dependency → start median "
                + "| Dependency → start p99 | Step in the upgrade median / p99 | Last finish → SUCCEEDED "
                + "| kubectl script requests / service |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (JsonNode r : results.values()) {
            int n = r.path("services").asInt();
            JsonNode a = r.path("first");
            JsonNode b = r.path("second");
            md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %s | %s |%n", n,
                    pair(a, b, "acceptMillis"), pair(a, b, "createdToFirstStartMillis"),
                    pair(a, b, "depToStartMedianMillis"), pair(a, b, "depToStartP99Millis"),
                    String.format(Locale.ROOT, "%.0f / %.0f ms, %.0f / %.0f ms", a.path("stepMedianMillis").asDouble(),
                            a.path("stepP99Millis").asDouble(), b.path("stepMedianMillis").asDouble(),
                            b.path("stepP99Millis").asDouble()),
                    pair(a, b, "lastFinishToEndMillis"),
                    r.has("scriptRequests") ? String.format(Locale.ROOT, "%.2f", r.path("scriptRequests").asDouble() / n)
                            : "–"));
        }
        return md.toString();
    }

    private static String overhead(double wall, double ideal) {
        return String.format(Locale.ROOT, "%+.0f ms (%+.1f %%)", wall - ideal, 100 * (wall - ideal) / ideal);
    }

    private static String pair(JsonNode first, JsonNode second, String field) {
        return String.format(Locale.ROOT, "%.1f / %.1f ms", first.path(field).asDouble(), second.path(field).asDouble());
    }

    private static String ms(double millis) {
        return millis >= 10_000 ? String.format(Locale.ROOT, "%.1f s", millis / 1000)
                : String.format(Locale.ROOT, "%.0f ms", millis);
    }
}
