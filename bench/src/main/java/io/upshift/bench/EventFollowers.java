package io.upshift.bench;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The followers of {@link EventStreamBenchmark}, in a process of their own so that the server's
 * CPU time is measured without theirs. It prints {@code ready}, then for each upgrade id read from
 * standard input {@code n} clients read {@code GET /api/upgrades/{id}/events} (HTTP/1.1, one
 * connection each) to its end, and it prints one JSON line: how many ended, and the latency in
 * microseconds of every live log event (received − the line's timestamp; lines stored before a
 * follower's stream opened are replays and not counted). An empty line or the end of input ends it.
 *
 * <pre>java -cp … io.upshift.bench.EventFollowers BASE_URL AUTHORIZATION N</pre>
 */
public final class EventFollowers {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventFollowers() {
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String authorization = args[1];
        int n = Integer.parseInt(args[2]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("ready");
        for (String id = commands.readLine(); id != null && !id.isBlank(); id = commands.readLine()) {
            URI events = URI.create(base + "/api/upgrades/" + id + "/events");
            ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
            AtomicInteger ended = new AtomicInteger();
            List<Thread> readers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Thread reader = new Thread(() -> {
                    try {
                        if (follow(http, events, authorization, latencies)) {
                            ended.incrementAndGet();
                        }
                    } catch (Exception e) {
                        System.err.println("follower failed: " + e);
                    }
                }, "follower-" + i);
                reader.start();
                readers.add(reader);
            }
            for (Thread reader : readers) {
                reader.join();
            }
            System.out.println(JSON.writeValueAsString(java.util.Map.of("ended", ended.get(), "latencies", latencies)));
        }
    }

    /** Reads the stream to its end; true when it ended with {@code end}. */
    private static boolean follow(HttpClient http, URI events, String authorization, ConcurrentLinkedQueue<Long> latencies)
            throws Exception {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(events).header("Authorization", authorization)
                .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("events answered " + response.statusCode());
        }
        Instant opened = Instant.now();
        boolean end = false;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String event = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                    end |= event.equals("end");
                } else if (line.startsWith("data: ") && "log".equals(event)) {
                    Instant at = Instant.parse(JSON.readTree(line.substring(6)).path("at").asText());
                    Instant now = Instant.now();
                    if (!at.isBefore(opened)) {
                        latencies.add((now.getEpochSecond() - at.getEpochSecond()) * 1_000_000
                                + (now.getNano() - at.getNano()) / 1_000);
                    }
                }
            }
        }
        return end;
    }
}
