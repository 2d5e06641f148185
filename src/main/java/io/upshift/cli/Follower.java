package io.upshift.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Follows an upgrade until it ends: its log lines as they come, and either a live progress block
 * redrawn in place (a terminal) or plain lines when something changes (progress, a service's
 * state), for logs and CI. Reads the upgrade's event stream ({@code GET …/events}: the record and
 * each log line as they change); when the stream breaks, asks the API every {@code interval}
 * instead ({@code …/logs?after=N}), from where the stream left off. At most until
 * {@code timeout}; answers the exit code of how the upgrade ended ({@link Outcome}).
 */
public class Follower {

    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** What was shown so far: the last log line, the drawn block, each service's state. */
    private final class View {
        final boolean progress;
        int after;
        int drawn;
        String summary;
        final Map<String, String> services = new HashMap<>();

        View(boolean progress) {
            this.progress = progress;
        }

        void show(List<String> lines, JsonNode record) {
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
        }

        int ended(String id, JsonNode record) {
            String state = record.path("state").asText();
            out.println("upgrade " + id + " " + state + (record.path("message").isTextual()
                    ? ": " + record.path("message").asText() : ""));
            out.flush();
            return Outcome.exitCode(state);
        }
    }

    /** Follows upgrade {@code id}; {@code progress} false prints the log only. */
    public int follow(String id, boolean progress) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        View view = new View(progress);
        try {
            stream(id, view, deadline);
        } catch (ApiException refused) {
            if (refused.status() == 404 || refused.status() == 401 || refused.status() == 403) {
                throw refused;
            }
        } catch (IOException broken) {
            if (Instant.now().isAfter(deadline)) {
                throw broken;
            }
        }
        return poll(id, view, deadline);
    }

    /** Follows the event stream until it ends or breaks off; asking then reads the rest (the record as it ended, lines after it). */
    private void stream(String id, View view, Instant deadline) throws IOException, InterruptedException {
        JsonNode record = null;
        try (InputStream body = api.stream("/api/upgrades/" + id + "/events");
                EventStreamReader events = new EventStreamReader(body)) {
            for (EventStreamReader.Frame f = events.next(); f != null; f = events.next()) {
                switch (f.event()) {
                    case "record" -> {
                        record = JSON.readTree(f.data());
                        view.show(List.of(), record);
                    }
                    case "log" -> {
                        JsonNode line = JSON.readTree(f.data());
                        if (line.path("line").asInt() > view.after) {
                            view.after = line.path("line").asInt();
                            String text = view.after + " " + line.path("at").asText() + " " + line.path("message").asText();
                            if (record == null) {
                                out.println(text);
                                out.flush();
                            } else {
                                view.show(List.of(text), record);
                            }
                        }
                    }
                    case "end", "dropped" -> {
                        return;
                    }
                    default -> { }
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IOException("upgrade " + id + " is still " + (record == null ? "running"
                            : record.path("state").asText()) + " after " + timeout.toMinutes() + " min (--timeout)");
                }
            }
        }
    }

    /** Asks the API every {@code interval} until the upgrade has ended. */
    private int poll(String id, View view, Instant deadline) throws IOException, InterruptedException {
        while (true) {
            JsonNode record = api.getJson("/api/upgrades/" + id);
            boolean ended = Outcome.ended(record);
            // read after the record: once it has ended, its log is complete
            List<String> lines = api.getText("/api/upgrades/" + id + "/logs?after=" + view.after).lines()
                    .filter(line -> !line.isBlank()).toList();
            view.after = lines.isEmpty() ? view.after : lineNumber(lines.get(lines.size() - 1), view.after);
            view.show(lines, record);
            if (ended) {
                return view.ended(id, record);
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
