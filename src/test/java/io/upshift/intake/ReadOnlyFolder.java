package io.upshift.intake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * A folder nothing can be written to until closed: POSIX permissions r-x, or, for root (whom permissions do
 * not stop), the immutable attribute ({@code chattr +i}). Fails at once when neither holds, rather than test
 * nothing.
 */
final class ReadOnlyFolder implements AutoCloseable {

    private final Path dir;
    private final boolean immutable;

    private ReadOnlyFolder(Path dir, boolean immutable) {
        this.dir = dir;
        this.immutable = immutable;
    }

    static ReadOnlyFolder of(Path dir) throws IOException, InterruptedException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        if (!writable(dir)) {
            return new ReadOnlyFolder(dir, false);
        }
        chattr("+i", dir);
        if (writable(dir)) {
            throw new AssertionError("cannot make " + dir + " read-only here (root without chattr)");
        }
        return new ReadOnlyFolder(dir, true);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (immutable) {
            chattr("-i", dir);
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    private static boolean writable(Path dir) {
        Path probe = dir.resolve(".probe");
        try {
            Files.createFile(probe);
            Files.delete(probe);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void chattr(String flag, Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("chattr", flag, dir.toString()).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("chattr " + flag + " " + dir + " did not end");
        }
    }
}
