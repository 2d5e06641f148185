package io.upshift.audit;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;

import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link UsersFileAudit#reconcile} at start and whenever the users file changes on disk, told
 * by the file system (inotify on Linux), not by polling. One thread, blocked on the watch; the
 * file is replaced by a rename, so the folder is watched and its events filtered by name.
 */
public class UsersFileWatch extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(UsersFileWatch.class);

    private final UsersFileAudit audit;
    private WatchService watch;
    private Thread thread;

    public UsersFileWatch(UsersFileAudit audit) {
        this.audit = audit;
    }

    @Override
    protected void doStart() throws IOException {
        Path file = audit.file().toAbsolutePath();
        watch = FileSystems.getDefault().newWatchService();
        file.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        reconcile();
        thread = new Thread(() -> loop(file.getFileName()), "upshift-users-file-watch");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    protected void doStop() throws IOException {
        if (watch != null) {
            watch.close(); // ends the loop
        }
    }

    private void loop(Path name) {
        try {
            while (true) {
                WatchKey key = watch.take();
                boolean ours = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    ours |= event.kind() == StandardWatchEventKinds.OVERFLOW || name.equals(event.context());
                }
                key.reset();
                if (ours) {
                    reconcile();
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException stopped) {
            LOG.debug("Users file watch stopped");
        }
    }

    private void reconcile() {
        try {
            audit.reconcile();
        } catch (RuntimeException e) { // told, and looked at again at the next change or start
            LOG.error("Could not audit the changes of the users file {}: {}", audit.file(), e.getMessage());
        }
    }
}
