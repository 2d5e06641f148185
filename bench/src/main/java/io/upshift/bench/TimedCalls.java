package io.upshift.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.vertx.ext.web.Router;
import org.apache.camel.component.platform.http.main.MainHttpServer;

/**
 * One GET at a time on one keep-alive HTTP/1.1 connection, timed twice: inside the server (a Vert.x
 * handler put ahead of every other one on the platform-http router, the access layer included, notes
 * when a request arrives and when its response ends) and as the client's round trip.
 */
final class TimedCalls {

    private final ConcurrentLinkedQueue<Long> serverNanos = new ConcurrentLinkedQueue<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    TimedCalls(BenchApplication app) {
        Router router = app.camel().hasService(MainHttpServer.class).getRouter();
        router.route().order(-10_000).handler(ctx -> {
            long arrived = System.nanoTime();
            ctx.addEndHandler(done -> serverNanos.add(System.nanoTime() - arrived));
            ctx.next();
        });
    }

    /** {@code warmUp} calls, then {@code calls} timed: calls, server median/p90/p99 and round-trip median (ms), bytes. */
    Map<String, Object> measure(HttpRequest request, int warmUp, int calls) throws Exception {
        warmUp(request, warmUp);
        int bytes = 0;
        serverNanos.clear();
        List<Long> roundTrips = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            bytes = call(request).length();
            roundTrips.add(System.nanoTime() - start);
        }
        List<Long> server = new ArrayList<>(serverNanos);
        if (server.size() != calls) {
            throw new IllegalStateException("timed " + server.size() + " of " + calls + " calls in the server");
        }
        Collections.sort(server);
        Collections.sort(roundTrips);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("calls", calls);
        m.put("serverMedianMillis", BenchRuns.percentile(server, 50) / 1e6);
        m.put("serverP90Millis", BenchRuns.percentile(server, 90) / 1e6);
        m.put("serverP99Millis", BenchRuns.percentile(server, 99) / 1e6);
        m.put("roundTripMedianMillis", BenchRuns.percentile(roundTrips, 50) / 1e6);
        m.put("bytes", bytes);
        return m;
    }

    /** Calls not timed: class loading and JIT before the timed ones. */
    void warmUp(HttpRequest request, int calls) throws Exception {
        for (int i = 0; i < calls; i++) {
            call(request);
        }
    }

    private String call(HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }
}
