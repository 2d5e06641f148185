package io.upshift.bench;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.upshift.store.UpgradeRecords;
import io.upshift.upgrade.ServiceProgress;
import io.upshift.upgrade.ServiceState;
import io.upshift.upgrade.UpgradeMode;
import io.upshift.upgrade.UpgradeRecord;
import io.upshift.upgrade.UpgradeState;

/**
 * Reads of the Upgrade Record with many past upgrades stored (issue 18): {@code records} finished
 * upgrades of 10 services each, and one of {@code big} services among them, written through the
 * application's own store; then, one call at a time on one keep-alive connection with an API token,
 * {@code GET /api/upgrades/{id}} of the big record, the list's first page and its last page (20
 * records a page). Server time is measured inside the server, as {@link ApiCallBenchmark} does; the
 * SQL statements each call ran are counted by the datasource's counter (bean
 * {@code sqlStatementMetrics}, absent before issue 18: then not counted).
 *
 * <pre>mvn -q -B -Pbench test-compile exec:exec -Dbench.main=io.upshift.bench.RecordReadBenchmark -Dbench.args="10000 1000 200"</pre>
 * args: past upgrades (default 10000), services of the big one (default 1000), calls per read (default 200, after 50).
 */
public final class RecordReadBenchmark {

    private static final int PAGE = 20;

    private RecordReadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int big = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        int calls = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        Path work = Files.createTempDirectory("upshift-bench-records");
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        try (BenchApplication app = new BenchApplication(work, Path.of("examples/platform-5.1.2.02.yaml"), 4, "200ms")) {
            TimedCalls timed = new TimedCalls(app);
            UpgradeRecords store = app.camel().getRegistry().lookupByNameAndType("upgradeRecords", UpgradeRecords.class);
            long writing = System.nanoTime();
            Instant first = Instant.parse("2026-01-01T00:00:00Z");
            String bigId = null;
            for (int i = 0; i < records; i++) {
                String id = String.format("past-%05d", i);
                int services = i == records / 2 ? big : 10;
                if (services == big) {
                    bigId = id;
                }
                store.create(finished(id, first.plus(Duration.ofMinutes(i)), services), null);
            }
            System.out.printf("stored %d past upgrades in %d ms%n", records, (System.nanoTime() - writing) / 1_000_000);

            String bearer = "Bearer " + app.json(app.post("/api/tokens", "application/json",
                    "{\"name\":\"bench\",\"role\":\"viewer\"}").body()).path("token").asText();
            int lastPage = (records + PAGE - 1) / PAGE;
            Map<String, Object> results = new LinkedHashMap<>();
            results.put("GET /api/upgrades/{id} (" + big + " services)",
                    measure(app, timed, bearer, "/api/upgrades/" + bigId, calls));
            results.put("GET /api/upgrades?page=1", measure(app, timed, bearer, "/api/upgrades?page=1", calls));
            results.put("GET /api/upgrades?page=" + lastPage,
                    measure(app, timed, bearer, "/api/upgrades?page=" + lastPage, calls));
            Path out = Path.of("target/bench/record-reads.json");
            Files.createDirectories(out.getParent());
            json.writeValue(out.toFile(), results);
            System.out.printf("%n%-45s %7s %14s %11s %18s %10s %8s%n", "read", "calls", "server median", "server p90",
                    "round-trip median", "bytes", "SQL/call");
            for (Map.Entry<String, Object> r : results.entrySet()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) r.getValue();
                System.out.printf("%-45s %7d %11.3f ms %8.3f ms %15.3f ms %10d %8s%n", r.getKey(), m.get("calls"),
                        m.get("serverMedianMillis"), m.get("serverP90Millis"), m.get("roundTripMedianMillis"),
                        m.get("bytes"), m.get("sqlPerCall"));
            }
            System.out.println("raw: " + out);
        }
    }

    /** A finished upgrade of {@code services} services, as the lifecycle leaves one. */
    private static UpgradeRecord finished(String id, Instant at, int services) {
        List<ServiceProgress> lines = new ArrayList<>(services);
        for (int s = 0; s < services; s++) {
            String name = String.format("service-%04d", s);
            Instant start = at.plusMillis(10L * s);
            lines.add(new ServiceProgress(name, "platform", name, null, s == 0 ? List.of() : List.of("service-0000"),
                    ServiceState.SUCCEEDED, "registry.upshift.local/" + name + ":5.1.2.02",
                    "registry.upshift.local/" + name + ":5.1.2.04", 2, 2, start, start.plusMillis(400),
                    "rolled, 2 ready, at least 2 available throughout", null,
                    List.of(new ServiceProgress.Pass(ServiceProgress.PassKind.ROLLING, start, start.plusMillis(400))),
                    null, null, null));
        }
        return UpgradeRecord.accepted(id, "5.1.2.02", "5.1.2.04", UpgradeMode.ZERO_DOWNTIME, UpgradeMode.ZERO_DOWNTIME,
                "same 5.1.2 line", "http", "bench", at, lines, null, 4, null, false)
                .running(at, null, "upgrading").ended(UpgradeState.SUCCEEDED, at.plusSeconds(5), "succeeded");
    }

    /** The timed calls, and the SQL statements they ran (per call). */
    private static Map<String, Object> measure(BenchApplication app, TimedCalls timed, String authorization, String path,
            int calls) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(app.uri(path)).header("Authorization", authorization).GET().build();
        timed.warmUp(request, 50);
        Object statements = app.camel().getRegistry().lookupByName("sqlStatementMetrics");
        long sqlBefore = statements == null ? 0 : sqlStatements(statements);
        Map<String, Object> m = timed.measure(request, 0, calls);
        long sqlAfter = statements == null ? 0 : sqlStatements(statements);
        m.put("sqlPerCall", statements == null ? "n/a" : String.format("%.1f", (sqlAfter - sqlBefore) / (double) calls));
        return m;
    }

    /** All statements counted so far (by reflection: the counter is not there before issue 18). */
    private static long sqlStatements(Object metrics) throws Exception {
        Map<?, ?> counts = (Map<?, ?>) metrics.getClass().getMethod("counts").invoke(metrics);
        long total = 0;
        for (Object count : counts.values()) {
            total += (Long) count.getClass().getMethod("statements").invoke(count);
        }
        return total;
    }
}
