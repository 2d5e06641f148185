package io.upshift.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Follows an upgrade until it ends: its new log lines ({@code /logs?after=N}) as they come, and
 * either a live progress block redrawn in place (a terminal) or plain lines when something changes
 * (progress, a service's state), for logs and CI. Asks the API every {@code interval}, at most
 * until {@code timeout}; answers the exit code of how the upgrade ended ({@link Outcome}).
 */
public class Follower {

    private final ApiClient api;
    private final PrintWriter out;
    private final boolean terminal;
    private final Duration interval;
    private final Duration timeout;

    public Follower(ApiClient api, PrintWriter out, boolean terminal, Duration interval, Duration timeout) {
        this.api = api;
        this.out = out;
        this.terminal = terminal;
        this.interval = interval;
        this.timeout = timeout;
    }

    /** Follows upgrade {@code id}; {@code progress} false prints the log only. */
    public int follow(String id, boolean progress) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        int after = 0;
        int drawn = 0;
        String summary = null;
        Map<String, String> services = new HashMap<>();
        while (true) {
            JsonNode record = api.getJson("/api/upgrades/" + id);
            boolean ended = Outcome.ended(record);
            // read after the record: once it has ended, its log is complete
            List<String> lines = api.getText("/api/upgrades/" + id + "/logs?after=" + after).lines()
                    .filter(line -> !line.isBlank()).toList();
            after = lines.isEmpty() ? after : lineNumber(lines.get(lines.size() - 1), after);
            if (terminal && progress) {
                if (drawn > 0) {
                    out.print("\033[" + drawn + "F\033[J"); // back to the block's first line, clear below
                }
                lines.forEach(out::println);
                List<String> block = ProgressView.lines(record, 120);
                block.forEach(out::println);
                drawn = block.size();
            } else {
                lines.forEach(out::println);
                if (progress) {
                    for (JsonNode s : record.path("services")) {
                        String state = s.path("state").asText();
                        if (!state.equals(services.put(s.path("name").asText(), state)) && !state.equals("PENDING")) {
                            out.println("service " + s.path("name").asText() + ": " + state);
                        }
                    }
                    String now = "progress " + ProgressView.bar(record.path("progress")) + "  " + record.path("state").asText();
                    if (!now.equals(summary)) {
                        out.println(now);
                        summary = now;
                    }
                }
            }
            out.flush();
            if (ended) {
                String state = record.path("state").asText();
                out.println("upgrade " + id + " " + state + (record.path("message").isTextual()
                        ? ": " + record.path("message").asText() : ""));
                out.flush();
                return Outcome.exitCode(state);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IOException("upgrade " + id + " is still " + record.path("state").asText() + " after "
                        + timeout.toMinutes() + " min (--timeout)");
            }
            Thread.sleep(interval.toMillis());
        }
    }

    /** The number a log line starts with ({@code 31 2026-11-25T12:39:02Z text}). */
    static int lineNumber(String line, int otherwise) {
        int space = line.indexOf(' ');
        try {
            return Integer.parseInt(space < 0 ? line : line.substring(0, space));
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
