package io.upshift.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The users file ({@code upshift.auth.users-file}): user name → role and password hash.
 * <pre>
 * users:
 *   admin:
 *     role: operator
 *     password: $pbkdf2$it=210000$…$…
 * </pre>
 * Read again whenever it changes on disk, so {@code Users add} takes effect without a restart.
 */
public class UserFile {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final String HEADER = "# Upshift users: name -> role (viewer|operator) and PBKDF2 password hash.\n"
            + "# Add or change one with: java -cp upshift.jar io.upshift.web.Users add NAME ROLE (password from stdin)\n";

    /** One user as stored. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String role, String password) {
    }

    /** The whole file. */
    public record Document(Map<String, Entry> users) {
    }

    private final Path file;
    private final ObjectMapper yaml;
    private Document cached;
    private FileTime cachedAt;

    public UserFile(Path file, ObjectMapper yaml) {
        this.file = file;
        this.yaml = yaml;
    }

    public UserFile(Path file) {
        this(file, new YAMLMapper());
    }

    public Path path() {
        return file;
    }

    public boolean exists() {
        return Files.isRegularFile(file);
    }

    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** The user's entry, if the file names them with a known role. */
    public Optional<Entry> find(String name) {
        Entry entry = read().users().get(name);
        return Optional.ofNullable(entry);
    }

    /**
     * The iteration count an unknown user's decoy check uses: that of a stored hash picked by the
     * name (the same one for the same name), so unknown names cost what known ones do, however
     * the stored counts differ (hashes made before the count was raised keep theirs);
     * {@code fallback} when no stored hash names one.
     */
    public int decoyIterations(String unknownName, int fallback) {
        int[] counts = read().users().values().stream()
                .map(Entry::password).map(Passwords::iterations)
                .filter(java.util.OptionalInt::isPresent).mapToInt(java.util.OptionalInt::getAsInt).sorted().toArray();
        return counts.length == 0 ? fallback : counts[Math.floorMod(String.valueOf(unknownName).hashCode(), counts.length)];
    }

    public Optional<Role> role(String name) {
        return find(name).map(entry -> Role.of(entry.role()));
    }

    public synchronized Map<String, Entry> users() {
        return read().users();
    }

    /** Adds the user, or changes the role and password of an existing one. */
    public synchronized void put(String name, Role role, String passwordHash) {
        if (!validName(name)) {
            throw new IllegalArgumentException("invalid user name \"" + name
                    + "\": letters, digits, '.', '_', '@', '-', at most 64, starting with a letter or digit");
        }
        Map<String, Entry> users = new TreeMap<>(exists() ? read().users() : Map.of());
        users.put(name, new Entry(role.id(), passwordHash));
        write(new Document(users));
    }

    public synchronized boolean remove(String name) {
        Map<String, Entry> users = new TreeMap<>(read().users());
        boolean removed = users.remove(name) != null;
        if (removed) {
            write(new Document(users));
        }
        return removed;
    }

    private synchronized Document read() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (cached == null || !modified.equals(cachedAt)) {
                Document document = yaml.readValue(file.toFile(), Document.class);
                cached = document == null || document.users() == null ? new Document(Map.of()) : document;
                cached.users().values().forEach(entry -> Role.of(entry.role()));
                cachedAt = modified;
            }
            return cached;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read users file " + file, e);
        }
    }

    /** Written beside and moved into place, readable by its owner only. */
    private void write(Document document) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temp = Files.createTempFile(dir, ".users", ".tmp");
            try {
                ownerOnly(temp);
                Files.writeString(temp, HEADER + yaml.writeValueAsString(document));
                try {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
            cached = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write users file " + file, e);
        }
    }

    private static void ownerOnly(Path path) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the folder's access rules apply
        }
    }
}
