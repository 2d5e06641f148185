package io.upshift.notify;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Reads Server-Sent Events frames off a stream as a browser's EventSource parses them (comments and retry skipped). */
final class SseReader implements Closeable {

    /** One event: {@code id} null when the frame had none. */
    record Frame(Long id, String event, String data) {
    }

    private final BufferedReader lines;
    private int comments;

    SseReader(InputStream body) {
        this.lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    /** The next event, or null when the stream ended. */
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
                continue;
            }
            if (line.startsWith(":")) {
                comments++;
            } else if (line.startsWith("id: ")) {
                id = Long.parseLong(line.substring(4));
            } else if (line.startsWith("event: ")) {
                event = line.substring(7);
            } else if (line.startsWith("data: ")) {
                data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
            }
        }
        return null;
    }

    int comments() {
        return comments;
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
