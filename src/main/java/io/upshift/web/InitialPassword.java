package io.upshift.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/** The first operator's generated password, in a file only its owner can read: never in a log. */
public final class InitialPassword {

    public static final String FILE_NAME = "initial-admin-password";

    private InitialPassword() {
    }

    /** Writes the password beside the users file (replacing a stale one); answers the file's path. */
    public static Path write(Path usersFile, String password) {
        Path file = usersFile.toAbsolutePath().resolveSibling(FILE_NAME);
        try {
            Files.deleteIfExists(file);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(file, password + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the first password to " + file, e);
        }
    }
}
