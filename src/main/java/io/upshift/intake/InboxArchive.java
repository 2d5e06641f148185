package io.upshift.intake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.upshift.RejectedException;

/**
 * Where processed inbox files go: {@code .done/} or {@code .failed/}, under a name no earlier file
 * has taken ({@code a.yaml}, then {@code a-2.yaml}, …), so nothing is overwritten. A rejected file
 * gets {@code <name>.errors.json} beside it with the reasons the HTTP API would give.
 * <p>Names are made safe to archive: control characters become {@code _}, and a name is cut so that
 * the {@code -N} and {@code .errors.json} suffixes still fit a file system's 255 bytes. Archived
 * files are kept for {@link Retention#maxAge()} and at most {@link Retention#maxFiles()} a folder,
 * oldest removed first, whenever another file is archived there.
 */
public class InboxArchive {

    public static final String DONE = ".done";
    public static final String FAILED = ".failed";
    /** Room left in 255 bytes for "-N" and ".errors.json". */
    static final int MAX_NAME_BYTES = 200;
    private static final String ERRORS = ".errors.json";

    /** How long, and how many, archived files are kept (upshift.inbox.retention, upshift.inbox.max-archived). */
    public record Retention(Duration maxAge, int maxFiles) {
    }

    private final Path inbox;
    private final ObjectMapper json;
    private final Clock clock;
    private final Retention retention;
    /** Files archived in a folder since it was last pruned: a burst is not listed once per file. */
    private final Map<Path, Integer> sincePrune = new java.util.HashMap<>();

    public InboxArchive(Path inbox, ObjectMapper json, Clock clock, Retention retention) {
        this.inbox = inbox;
        this.json = json;
        this.clock = clock;
        this.retention = retention;
    }

    /**
     * Refuses what the inbox must not read: a symbolic link (it would make Upshift parse, and echo
     * into an error file, any file it can read) or anything but a regular file.
     */
    public void checkRegularFile(String path) {
        Path file = Path.of(path);
        if (Files.isSymbolicLink(file) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new RejectedException(400, "not a regular file", List.of("the inbox reads regular files only, not "
                    + (Files.isSymbolicLink(file) ? "symbolic links" : "this kind of file") + ": nothing was read"));
        }
    }

    /** The path, relative to the inbox, that the file consumer moves {@code fileName} to. */
    public synchronized String target(String folder, String fileName) throws IOException {
        Path dir = Files.createDirectories(inbox.resolve(folder));
        // pruned every tenth of max-archived files (at most every 100): within 10 % of the bound, not O(n) per file
        int every = Math.max(1, Math.min(100, retention.maxFiles() / 10));
        int since = sincePrune.merge(dir, 1, Integer::sum);
        if (since == 1 || since > every) {
            prune(dir);
            sincePrune.put(dir, 1);
        }
        String safe = safeName(fileName);
        int dot = safe.lastIndexOf('.');
        String base = dot > 0 ? safe.substring(0, dot) : safe;
        String ext = dot > 0 ? safe.substring(dot) : "";
        String candidate = safe;
        // a name is taken by an earlier file or by an earlier rejection's errors file
        for (int n = 2; Files.exists(dir.resolve(candidate), LinkOption.NOFOLLOW_LINKS)
                || Files.exists(dir.resolve(candidate + ERRORS)); n++) {
            candidate = base + "-" + n + ext;
        }
        return folder + "/" + candidate;
    }

    /** Writes {@code <target>.errors.json}; returns its path. */
    public Path writeErrors(String target, Map<String, Object> body) throws IOException {
        Path file = inbox.resolve(target + ERRORS);
        Files.createDirectories(file.getParent());
        json.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), body);
        return file;
    }

    /** The name without control characters or path separators, at most {@value #MAX_NAME_BYTES} bytes, extension kept. */
    static String safeName(String fileName) {
        String cleaned = fileName.replaceAll("[\\p{Cntrl}/\\\\\\u2028\\u2029\\u0085]", "_");
        if (cleaned.isBlank() || cleaned.equals(".") || cleaned.equals("..")) {
            cleaned = "unnamed";
        }
        if (cleaned.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME_BYTES) {
            return cleaned;
        }
        int dot = cleaned.lastIndexOf('.');
        String ext = dot > 0 && cleaned.length() - dot <= 10 ? cleaned.substring(dot) : "";
        String base = ext.isEmpty() ? cleaned : cleaned.substring(0, dot);
        int budget = MAX_NAME_BYTES - ext.getBytes(StandardCharsets.UTF_8).length - 1;
        StringBuilder cut = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < base.length(); ) {
            int cp = base.codePointAt(i);
            int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > budget) {
                break;
            }
            cut.appendCodePoint(cp);
            bytes += size;
            i += Character.charCount(cp);
        }
        return cut + "~" + ext;
    }

    /** Removes archived files past their age, then the oldest beyond the count (errors files go with theirs). */
    private void prune(Path dir) throws IOException {
        // each file's time read once (a comparator that reads it would stat a file per comparison)
        List<Map.Entry<Path, FileTime>> archived;
        try (Stream<Path> files = Files.list(dir)) {
            archived = files.filter(p -> !p.getFileName().toString().endsWith(ERRORS))
                    .map(p -> Map.entry(p, modified(p)))
                    .sorted(Map.Entry.<Path, FileTime>comparingByValue().reversed()).toList();
        }
        FileTime oldest = FileTime.from(clock.instant().minus(retention.maxAge()));
        for (int i = 0; i < archived.size(); i++) {
            Path file = archived.get(i).getKey();
            if (i >= retention.maxFiles() - 1 || archived.get(i).getValue().compareTo(oldest) < 0) {
                Files.deleteIfExists(file);
                Files.deleteIfExists(file.resolveSibling(file.getFileName() + ERRORS));
            }
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException gone) {
            return FileTime.fromMillis(0);
        }
    }
}
