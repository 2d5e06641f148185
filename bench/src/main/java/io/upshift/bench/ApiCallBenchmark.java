package io.upshift.bench;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.upshift.web.Passwords;
import io.upshift.web.Role;
import io.upshift.web.UserFile;

/**
 * The cost of an authenticated API call: {@code GET /api/platform} with an API token (Bearer) and
 * with HTTP Basic for a user whose hash has the default 210,000 PBKDF2 iterations, one call at a
 * time on one keep-alive connection. Server time is measured inside the server: a Vert.x handler put
 * ahead of every other one (the access layer included) notes the time a request arrives and the time
 * its response ends. The client's round trip on loopback is printed beside it.
 *
 * <pre>mvn -q -B -Pbench test-compile exec:exec -Dbench.main=io.upshift.bench.ApiCallBenchmark -Dbench.args="2000 40"</pre>
 * args: token calls (default 2000, after 500 to warm up), Basic calls (default 40, after 5).
 */
public final class ApiCallBenchmark {

    private static final String PATH = "/api/platform";

    private ApiCallBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int tokenCalls = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int basicCalls = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        Path work = Files.createTempDirectory("upshift-bench-api");
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        try (BenchApplication app = new BenchApplication(work, Path.of("examples/platform-5.1.2.02.yaml"), 4, "200ms")) {
            TimedCalls timed = new TimedCalls(app);

            // a person as the users file has them: the default PBKDF2 iterations
            new UserFile(app.usersFile()).put("person", Role.OPERATOR, new Passwords(210_000).hash("person-password-1"));
            String basic = "Basic " + Base64.getEncoder().encodeToString("person:person-password-1".getBytes());
            HttpResponse<String> created = app.post("/api/tokens", "application/json",
                    "{\"name\":\"bench\",\"role\":\"viewer\"}");
            String bearer = "Bearer " + app.json(created.body()).path("token").asText();

            Map<String, Object> results = new LinkedHashMap<>();
            results.put("token", timed.measure(request(app, bearer), 500, tokenCalls));
            results.put("basic", timed.measure(request(app, basic), 5, basicCalls));
            Path out = Path.of("target/bench/api-calls.json");
            Files.createDirectories(out.getParent());
            json.writeValue(out.toFile(), results);
            System.out.printf("%n%-7s %7s %14s %11s %11s %18s%n", "auth", "calls", "server median", "server p90",
                    "server p99", "round-trip median");
            for (Map.Entry<String, Object> r : results.entrySet()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) r.getValue();
                System.out.printf("%-7s %7d %11.3f ms %8.3f ms %8.3f ms %15.3f ms%n", r.getKey(), m.get("calls"),
                        m.get("serverMedianMillis"), m.get("serverP90Millis"), m.get("serverP99Millis"),
                        m.get("roundTripMedianMillis"));
            }
            System.out.println("raw: " + out);
        }
    }

    private static HttpRequest request(BenchApplication app, String authorization) {
        return HttpRequest.newBuilder(app.uri(PATH)).header("Authorization", authorization).GET().build();
    }
}
