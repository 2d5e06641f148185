package io.upshift.cli;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Reads a Server-Sent Events stream ({@code GET /api/upgrades/{id}/events}) frame by frame, as a
 * browser's EventSource parses it. A comment (the server's heartbeat) comes back as a frame of
 * event {@code :}, so a reader can look at its deadline while the stream is idle.
 */
final class EventStreamReader implements Closeable {

    static final String COMMENT = ":";

    /** One frame; {@code id} null when it had none. */
    record Frame(Long id, String event, String data) {
    }

    private final BufferedReader lines;

    EventStreamReader(InputStream body) {
        this.lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    /** The next frame, or null when the stream ended. */
    Frame next() throws IOException {
        Long id = null;
        String event = "message";
        StringBuilder data = null;
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    return new Frame(id, event, data.toString());
                }
            } else if (line.startsWith(COMMENT)) {
                return new Frame(null, COMMENT, line.substring(1).strip());
            } else if (line.startsWith("id:")) {
                id = Long.parseLong(line.substring(3).strip());
            } else if (line.startsWith("event:")) {
                event = line.substring(6).strip();
            } else if (line.startsWith("data:")) {
                String value = line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5);
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
