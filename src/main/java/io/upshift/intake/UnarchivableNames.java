package io.upshift.intake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.upshift.RejectedException;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;

/**
 * The inbox consumer's file filter: a name too long for the consumer's own lock file
 * ({@code <name>.camelLock}) could never be read and would be retried every poll. Such a file is
 * moved to {@code .failed/} at once, under a safe name, with its {@code .errors.json}, and skipped.
 */
public class UnarchivableNames implements GenericFileFilter<java.io.File> {

    /** 255 bytes, less the ".camelLock" the read lock appends. */
    static final int MAX_READABLE_BYTES = 245;

    private final InboxArchive archive;
    private final ErrorBodies errors;
    private final Path inbox;

    public UnarchivableNames(InboxArchive archive, ErrorBodies errors, Path inbox) {
        this.archive = archive;
        this.errors = errors;
        this.inbox = inbox;
    }

    @Override
    public boolean accept(GenericFile<java.io.File> file) {
        if (file.isDirectory() || file.getFileNameOnly().getBytes(StandardCharsets.UTF_8).length <= MAX_READABLE_BYTES) {
            return true;
        }
        try {
            String target = archive.target(InboxArchive.FAILED, file.getFileNameOnly());
            Files.move(Path.of(file.getAbsoluteFilePath()), inbox.resolve(target));
            errors.writeInboxErrors(target, new RejectedException(400, "file name too long", List.of(
                    "the inbox reads names of at most " + MAX_READABLE_BYTES + " bytes; this one has "
                            + file.getFileNameOnly().getBytes(StandardCharsets.UTF_8).length + ": nothing was read")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return false;
    }
}
