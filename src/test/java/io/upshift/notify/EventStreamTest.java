package io.upshift.notify;

import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET /api/upgrades/{id}/events through real HTTP while an upgrade runs on the sandbox: every event
 * in order, the log exactly as stored, the end; a reconnect with Last-Event-ID misses and repeats
 * nothing; a login is required.
 */
class EventStreamTest extends UpshiftTestSupport {

    @Override
    protected Properties settings() {
        Properties p = new Properties();
        // pods take a moment to become ready: the followers connect while the upgrade runs
        p.setProperty("upshift.sandbox.readiness-delay", "300ms");
        p.setProperty("upshift.events.heartbeat", "200ms");
        return p;
    }

    @Test
    void followersSeeEveryEventInOrderAndAReconnectMissesNothing() throws Exception {
        assertThat(post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml")).statusCode()).isEqualTo(201);
        HttpResponse<String> accepted = postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        String id = body(accepted).path("id").asText();

        // one follower reads it all; a viewer reads the first events, drops the connection, comes back
        CompletableFuture<List<SseReader.Frame>> whole = CompletableFuture.supplyAsync(() -> readAll(id, OPERATOR, 0));
        List<SseReader.Frame> first = new ArrayList<>();
        HttpResponse<InputStream> stream = open(id, VIEWER, null);
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        try (SseReader reader = new SseReader(stream.body())) {
            while (first.stream().filter(f -> f.id() != null).count() < 3) {
                first.add(reader.next());
            }
        }
        long lastSeen = first.stream().filter(f -> f.id() != null).mapToLong(SseReader.Frame::id).max().orElseThrow();
        List<SseReader.Frame> rest = readAll(id, VIEWER, lastSeen);
        List<SseReader.Frame> all = whole.get(90, TimeUnit.SECONDS);

        // every event once, in order, numbered from 1 without a gap
        List<Long> ids = ids(all);
        assertThat(ids).isNotEmpty();
        for (int i = 0; i < ids.size(); i++) {
            assertThat(ids.get(i)).isEqualTo(i + 1L);
        }
        // the log lines are the stored log, in order
        String log = get("/api/upgrades/" + id + "/logs").body();
        List<String> logged = all.stream().filter(f -> f.event().equals("log"))
                .map(f -> data(f).path("line").asText() + " " + data(f).path("message").asText()).toList();
        List<String> stored = log.lines().map(l -> l.split(" ", 3)).map(p -> p[0] + " " + p[2]).toList();
        assertThat(logged).isEqualTo(stored);
        // state events from accepted to succeeded; the record as it ended; then the end
        List<String> states = all.stream().filter(f -> f.event().equals("state")).map(f -> data(f).path("type").asText()).toList();
        assertThat(states).first().isEqualTo("upgrade.accepted");
        assertThat(states).contains("upgrade.started", "upgrade.stage").last().isEqualTo("upgrade.succeeded");
        SseReader.Frame end = all.get(all.size() - 1);
        assertThat(end.event()).isEqualTo("end");
        assertThat(data(end).path("state").asText()).isEqualTo("SUCCEEDED");
        SseReader.Frame lastRecord = all.stream().filter(f -> f.event().equals("record")).reduce((a, b) -> b).orElseThrow();
        assertThat(data(lastRecord).path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(data(lastRecord).path("progress").path("percent").asInt()).isEqualTo(100);

        // the reconnecting follower: nothing missed, nothing twice
        List<Long> resumed = new ArrayList<>(ids(first));
        resumed.addAll(ids(rest));
        assertThat(resumed).isEqualTo(ids);
        assertThat(rest.get(rest.size() - 1).event()).isEqualTo("end");

        // an ended upgrade: its events, then the end at once; past its last event, only the end
        assertThat(ids(readAll(id, VIEWER, 0))).isEqualTo(ids);
        List<SseReader.Frame> after = readAll(id, VIEWER, ids.get(ids.size() - 1));
        assertThat(ids(after)).isEmpty();
        assertThat(after.get(after.size() - 1).event()).isEqualTo("end");
    }

    @Test
    void aLoginIsRequiredAndTheUpgradeMustExist() throws Exception {
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(uri("/api/upgrades/upg-x/events")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<String> unknown = send(VIEWER, HttpRequest.newBuilder(uri("/api/upgrades/upg-none/events")).GET());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(body(unknown).path("code").asText()).isEqualTo("UNKNOWN_UPGRADE");
        HttpResponse<String> badId = send(VIEWER, HttpRequest.newBuilder(uri("/api/upgrades/upg-none/events"))
                .header("Last-Event-ID", "x").GET());
        assertThat(badId.statusCode()).isEqualTo(400);
    }

    private HttpResponse<InputStream> open(String id, String user, Long lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/api/upgrades/" + id + "/events"))
                .header("Authorization", basic(user, PASSWORD)).header("Accept", "text/event-stream").GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", String.valueOf(lastEventId));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** Every frame until the stream ends. */
    private List<SseReader.Frame> readAll(String id, String user, long lastEventId) {
        try {
            HttpResponse<InputStream> response = open(id, user, lastEventId);
            assertThat(response.statusCode()).isEqualTo(200);
            List<SseReader.Frame> frames = new ArrayList<>();
            try (SseReader reader = new SseReader(response.body())) {
                for (SseReader.Frame f = reader.next(); f != null; f = reader.next()) {
                    frames.add(f);
                }
            }
            return frames;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Long> ids(List<SseReader.Frame> frames) {
        return frames.stream().map(SseReader.Frame::id).filter(java.util.Objects::nonNull).toList();
    }

    private JsonNode data(SseReader.Frame f) {
        try {
            return json.readTree(f.data());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
