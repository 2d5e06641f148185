package io.upshift.intake;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.upshift.CapturedLog;
import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The inbox's archive folders read-only (issue 19): a file handled whose move or errors file cannot be
 * written stays in the inbox, is logged once and counted, is archived as it was decided once the folder is
 * writable, and is never handled twice.
 */
class InboxFaultsTest extends UpshiftTestSupport {

    @Test
    void aFileImportedWhileDoneIsReadOnlyIsArchivedLaterAndImportedOnce() throws Exception {
        Path done = Files.createDirectories(inbox().resolve(InboxArchive.DONE));
        String version = "7.7.7.01";
        String name = "platform-" + version + ".yaml";
        byte[] config = new String(example("platform-5.1.2.04.yaml")).replace("5.1.2.04", version).getBytes();
        try (CapturedLog log = new CapturedLog()) {
            try (ReadOnlyFolder readOnly = ReadOnlyFolder.of(done)) {
                put(name, config);
                awaitUnarchived(log, name, "accepted");
                assertThat(get("/api/versions/" + version).statusCode()).isEqualTo(200);
                assertThat(metric("upshift_inbox_archive_failures_total")).isGreaterThanOrEqualTo(1);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> !Files.exists(inbox().resolve(name)));
            assertThat(done.resolve(name)).exists();
            await().atMost(Duration.ofSeconds(5)).until(() -> metric("upshift_inbox_unarchived_files") == 0);
            assertThat(log.lines()).filteredOn(l -> l.contains("Version " + version + " imported")).hasSize(1);
            assertThat(log.lines()).noneMatch(l -> l.contains("Version " + version + " overwritten"));
            assertThat(log.lines()).filteredOn(l -> l.contains("Inbox file " + name + " was accepted but could not be archived"))
                    .hasSize(1);
        }
    }

    @Test
    void aFileRejectedWhileFailedIsReadOnlyGetsItsErrorsFileOnceWritable() throws Exception {
        Path failed = Files.createDirectories(inbox().resolve(InboxArchive.FAILED));
        String name = "not-a-platform.yaml";
        try (CapturedLog log = new CapturedLog()) {
            try (ReadOnlyFolder readOnly = ReadOnlyFolder.of(failed)) {
                put(name, "services: 42\n".getBytes());
                awaitUnarchived(log, name, "rejected");
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> !Files.exists(inbox().resolve(name)));
            assertThat(failed.resolve(name)).exists();
            await().atMost(Duration.ofSeconds(5)).until(() -> metric("upshift_inbox_unarchived_files") == 0);
            assertThat(Files.readString(failed.resolve(name + ".errors.json"))).contains("\"reasons\"");
            assertThat(log.lines()).filteredOn(l -> l.contains("Inbox file " + name + " was rejected but could not be archived"))
                    .hasSize(1);
            // rejected once: a later poll only archived it, as it was decided
            assertThat(log.lines()).filteredOn(l -> l.contains("Inbox file " + name + " archived → .failed/" + name
                    + " (handled on an earlier poll)")).hasSize(1);
        }
    }

    /** Handled, its archiving failed: logged, counted, and it stays in the inbox poll after poll. */
    private void awaitUnarchived(CapturedLog log, String name, String outcome) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> log.lines().stream()
                .anyMatch(l -> l.contains("Inbox file " + name + " was " + outcome + " but could not be archived")));
        assertThat(metric("upshift_inbox_unarchived_files")).isEqualTo(1);
        // polls every 50 ms: it is left where it is, not taken again
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> Files.exists(inbox().resolve(name)));
    }

    /** Written beside the inbox, then renamed in, as writers should. */
    private void put(String name, byte[] content) throws Exception {
        Path tmp = work.resolve(name + ".part");
        Files.write(tmp, content);
        Files.move(tmp, inbox().resolve(name));
    }

    private double metric(String name) throws Exception {
        return get("/observe/metrics").body().lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
