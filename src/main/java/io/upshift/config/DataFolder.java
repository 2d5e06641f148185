package io.upshift.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.stream.Stream;

import io.upshift.web.Passwords;

/**
 * Upshift's data folder ({@code upshift.data.dir}): the embedded database, the sandbox's kubeconfig,
 * the users file. Only the account Upshift runs as may enter it (0700), and the embedded database's
 * password is generated at first start into {@code db-password} there (0600), not a default anyone
 * can read in the documentation.
 */
public final class DataFolder {

    public static final String PASSWORD_FILE = "db-password";
    /** What databases made before the password was generated were created with; replaced at start. */
    static final String LEGACY_PASSWORD = "upshift";

    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private final Path dir;

    public DataFolder(Path dir) {
        this.dir = dir;
    }

    /** Creates the folder if needed, and makes it the owner's only. */
    public DataFolder prepare() throws IOException {
        Files.createDirectories(dir);
        if (posix()) {
            Files.setPosixFilePermissions(dir, OWNER_ONLY_DIR);
        }
        return this;
    }

    /**
     * The embedded database's password: the stored one, or a new one. A database from before the
     * generated password (the file is missing, the database is not) gets the new one set with the old.
     */
    public String embeddedPassword(String url, String user) throws IOException, SQLException {
        Path file = dir.resolve(PASSWORD_FILE);
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        String password = Passwords.generate();
        try (Stream<Path> existing = Files.list(dir)) {
            if (existing.anyMatch(p -> p.getFileName().toString().endsWith(".mv.db"))) {
                try (Connection c = DriverManager.getConnection(url, user, LEGACY_PASSWORD);
                        Statement s = c.createStatement()) {
                    s.execute("ALTER USER \"" + user.toUpperCase(java.util.Locale.ROOT) + "\" SET PASSWORD '" + password + "'");
                }
            }
        }
        if (posix()) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
        }
        Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
        return password;
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
