package io.upshift.intake;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.upshift.Failures;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbox folder read-only or full (issue 19): a file handled (imported or rejected) whose move to
 * {@code .done/} or {@code .failed/}, or whose {@code .errors.json}, could not be written stays where it is,
 * and is remembered with its outcome. On a later poll it is archived as it was decided, not handled again
 * (a version imported twice, an upgrade requested twice). Each such file is logged once (WARN), every failed
 * attempt counted ({@code upshift_inbox_archive_failures_total}), the files waiting shown
 * ({@code upshift_inbox_unarchived_files}).
 * <p>It is the inbox consumer's {@code onCompletionExceptionHandler} (the failures of its commit: the move) and
 * its file filter: a remembered file is skipped, untouched and unlogged, while its folder still cannot be
 * written (probed at most once a second), then taken to be archived. A failed errors file leaves the file
 * without a target, so the commit moves nothing. A file whose outcome was not decided is not remembered:
 * nothing was done with it, and it is read again. At most {@code maxRemembered} files are remembered (oldest
 * forgotten first: read again). The filter first asks {@link UnarchivableNames}.
 */
public class InboxFaults implements ExceptionHandler, GenericFileFilter<File> {

    /** Set by the inbox route once a file's outcome is decided: {@code .done} or {@code .failed}. */
    public static final String OUTCOME = "UpshiftInboxOutcome";

    /** A file's decided outcome: the folder it goes to and, rejected, the body of its errors file. */
    record Pending(String folder, Map<String, Object> errors) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(InboxFaults.class);

    private final InboxArchive archive;
    private final ErrorBodies errorBodies;
    private final UnarchivableNames names;
    private final Path inbox;
    private final Map<String, Long> writableCheckedAt = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Boolean> writable = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Pending> pending;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Counter failures;

    public InboxFaults(InboxArchive archive, ErrorBodies errorBodies, UnarchivableNames names, Path inbox,
            MeterRegistry registry, int maxRemembered) {
        this.archive = archive;
        this.errorBodies = errorBodies;
        this.names = names;
        this.inbox = inbox;
        this.pending = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Pending> eldest) {
                return size() > maxRemembered;
            }
        };
        this.failures = Counter.builder("upshift.inbox.archive.failures")
                .description("Inbox files handled whose move to .done/.failed or errors file could not be written, per attempt")
                .register(registry);
        Gauge.builder("upshift.inbox.unarchived.files", waiting, AtomicInteger::get)
                .description("Inbox files handled and waiting to be archived (the folder read-only or full)").register(registry);
    }

    @Override
    public boolean accept(GenericFile<File> file) {
        if (!names.accept(file)) {
            return false;
        }
        Pending p;
        synchronized (this) {
            p = pending.get(key(file.getAbsoluteFilePath(), file.getFileLength(), file.getLastModified()));
        }
        return p == null || writable(p.folder());
    }

    /** The errors file of a rejected file; when it cannot be written the file keeps no target and stays (see above). */
    public void writeErrors(Exchange exchange) {
        Exception rejection = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Map<String, Object> errors = errorBodies.inboxErrors(rejection);
        try {
            archive.writeErrors(exchange.getMessage().getHeader("UpshiftArchivedAs", String.class), errors);
        } catch (IOException e) {
            failed(exchange, InboxArchive.FAILED, errors, e);
            exchange.getMessage().removeHeader("UpshiftArchivedAs");
        }
    }

    /** True when the file was handled on an earlier poll and only its archiving is left. */
    public synchronized boolean isPending(String path, long length, long lastModified) {
        return pending.containsKey(key(path, length, lastModified));
    }

    /**
     * Archives a pending file as it was decided: its target (and errors file) now; the consumer moves it when the
     * exchange completes. Forgotten once it is gone from the inbox.
     */
    public void retryArchive(Exchange exchange) throws IOException {
        String key = key(exchange);
        Pending p;
        synchronized (this) {
            p = pending.get(key);
        }
        String target;
        try {
            target = archive.target(p.folder(), exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class));
            if (p.errors() != null) {
                archive.writeErrors(target, p.errors());
            }
        } catch (IOException e) {
            failed(exchange, p.folder(), p.errors(), e);
            exchange.getMessage().removeHeader("UpshiftArchivedAs");
            return;
        }
        exchange.getMessage().setHeader("UpshiftArchivedAs", target);
        Path source = Path.of(exchange.getMessage().getHeader(Exchange.FILE_PATH, String.class));
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public int getOrder() {
                return LOWEST; // after the file consumer's own completion, which moves the file
            }

            @Override
            public void onDone(Exchange done) {
                if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
                    forget(key);
                    LOG.info("Inbox file {} archived → {} (handled on an earlier poll)", source.getFileName(), target);
                }
            }
        });
    }

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        String outcome = exchange == null ? null : exchange.getMessage().getHeader(OUTCOME, String.class);
        if (outcome == null) {
            // not a file with a decided outcome: as the default handler would
            LOG.warn("Inbox: {}: {}", message == null ? "error" : message, Failures.message(Failures.root(exception)));
            return;
        }
        Map<String, Object> errors = null;
        if (InboxArchive.FAILED.equals(outcome)) {
            Exception rejection = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
            errors = errorBodies.inboxErrors(rejection != null ? rejection : new IllegalStateException(message));
        }
        failed(exchange, outcome, errors, exception);
    }

    private void failed(Exchange exchange, String outcome, Map<String, Object> errors, Throwable exception) {
        failures.increment();
        writable.put(outcome, false);
        writableCheckedAt.put(outcome, System.nanoTime());
        String key = key(exchange);
        boolean first;
        synchronized (this) {
            first = pending.put(key, new Pending(outcome, errors)) == null;
            waiting.set(pending.size());
        }
        String name = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
        if (first) {
            LOG.warn("Inbox file {} was {} but could not be archived to {} ({}): it stays in the inbox and is archived on a"
                    + " later poll, not handled again", name, InboxArchive.DONE.equals(outcome) ? "accepted" : "rejected",
                    outcome, Failures.message(Failures.root(exception)));
        } else {
            LOG.debug("Inbox file {} still cannot be archived: {}", name, Failures.message(Failures.root(exception)));
        }
    }

    /** Whether a file can be created in the folder now: probed, at most once a second a folder. */
    private boolean writable(String folder) {
        long now = System.nanoTime();
        Long checked = writableCheckedAt.get(folder);
        if (checked == null || now - checked > 1_000_000_000L) {
            writableCheckedAt.put(folder, now);
            writable.put(folder, probe(inbox.resolve(folder)));
        }
        return writable.getOrDefault(folder, false);
    }

    private static boolean probe(Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".probe", ".tmp");
            Files.delete(probe);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private synchronized void forget(String key) {
        pending.remove(key);
        waiting.set(pending.size());
    }

    private static String key(Exchange exchange) {
        var m = exchange.getMessage();
        return key(m.getHeader(Exchange.FILE_PATH, String.class), m.getHeader(Exchange.FILE_LENGTH, 0L, Long.class),
                m.getHeader(Exchange.FILE_LAST_MODIFIED, 0L, Long.class));
    }

    private static String key(String path, long length, long lastModified) {
        return Path.of(path).toAbsolutePath() + "\u0000" + length + "\u0000" + lastModified;
    }
}
