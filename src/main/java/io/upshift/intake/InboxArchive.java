package io.upshift.intake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Where processed inbox files go: {@code .done/} or {@code .failed/}, under a name no earlier file
 * has taken ({@code a.yaml}, then {@code a-2.yaml}, …), so nothing is ever overwritten or deleted.
 * A rejected file gets {@code <name>.errors.json} beside it with the reasons the HTTP API would give.
 */
public class InboxArchive {

    public static final String DONE = ".done";
    public static final String FAILED = ".failed";

    private final Path inbox;
    private final ObjectMapper json;

    public InboxArchive(Path inbox, ObjectMapper json) {
        this.inbox = inbox;
        this.json = json;
    }

    /** The path, relative to the inbox, that the file consumer moves {@code fileName} to. */
    public synchronized String target(String folder, String fileName) throws IOException {
        Path dir = Files.createDirectories(inbox.resolve(folder));
        int dot = fileName.lastIndexOf('.');
        String base = dot > 0 ? fileName.substring(0, dot) : fileName;
        String ext = dot > 0 ? fileName.substring(dot) : "";
        String candidate = fileName;
        // a name is taken by an earlier file or by an earlier rejection's errors file
        for (int n = 2; Files.exists(dir.resolve(candidate)) || Files.exists(dir.resolve(candidate + ".errors.json")); n++) {
            candidate = base + "-" + n + ext;
        }
        return folder + "/" + candidate;
    }

    /** Writes {@code <target>.errors.json}; returns its path. */
    public Path writeErrors(String target, Map<String, Object> body) throws IOException {
        Path file = inbox.resolve(target + ".errors.json");
        Files.createDirectories(file.getParent());
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), body);
        return file;
    }
}
