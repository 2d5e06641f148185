package io.upshift.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;

/**
 * Where the command line finds Upshift and its token: {@code UPSHIFT_URL} and {@code UPSHIFT_TOKEN}
 * first, then the config file written by {@code upshift login}: {@code UPSHIFT_CONFIG}, or
 * {@code $XDG_CONFIG_HOME/upshift/config}, or {@code ~/.config/upshift/config} (properties
 * {@code url} and {@code token}, readable by its owner only).
 */
public record CliConfig(String url, String token, Path file) {

    public static CliConfig load(Map<String, String> env) throws IOException {
        Path file = file(env);
        Properties stored = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                stored.load(in);
            }
        }
        return new CliConfig(first(env.get("UPSHIFT_URL"), stored.getProperty("url")),
                first(env.get("UPSHIFT_TOKEN"), stored.getProperty("token")), file);
    }

    static Path file(Map<String, String> env) {
        if (present(env.get("UPSHIFT_CONFIG"))) {
            return Path.of(env.get("UPSHIFT_CONFIG"));
        }
        if (present(env.get("XDG_CONFIG_HOME"))) {
            return Path.of(env.get("XDG_CONFIG_HOME"), "upshift", "config");
        }
        String home = present(env.get("HOME")) ? env.get("HOME") : System.getProperty("user.home");
        return Path.of(home, ".config", "upshift", "config");
    }

    /** Writes URL and token, created owner-only (0600) before the token goes in. */
    public static void save(Path file, String url, String token) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, ".config", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Properties p = new Properties();
            p.setProperty("url", url);
            p.setProperty("token", token);
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING)) {
                p.store(out, "upshift login");
            }
            Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static String first(String a, String b) {
        return present(a) ? a.trim() : present(b) ? b.trim() : null;
    }

    private static boolean present(String s) {
        return s != null && !s.isBlank();
    }
}
