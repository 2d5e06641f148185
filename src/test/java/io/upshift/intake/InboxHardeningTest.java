package io.upshift.intake;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.CapturedLog;
import io.upshift.UpshiftTestSupport;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Finding 15 (and 14's retention): what a bad file in the inbox can do, through the real file consumer. */
class InboxHardeningTest extends UpshiftTestSupport {

    @Override
    protected Properties settings() {
        Properties p = new Properties();
        p.setProperty("upshift.inbox.max-archived", "5");
        // a slow unchanged-check, so that only the min age can make a burst fast
        p.setProperty("upshift.inbox.read-lock-interval", "2000");
        p.setProperty("upshift.inbox.read-lock-min-age", "100");
        return p;
    }

    @Test
    void anEmptyFileIsRejectedNotLeftInTheInbox() throws Exception {
        drop("empty.yaml", new byte[0]);
        assertThat(inbox().resolve(".failed/empty.yaml")).exists();
        assertThat(inbox().resolve(".failed/empty.yaml.errors.json")).exists();
    }

    @Test
    void aSymbolicLinkIsRefusedUnread() throws Exception {
        Path secret = work.resolve("secret.yaml");
        Files.writeString(secret, "version: 5.1.2.99\nservices:\n  - name: top-secret-value\n");
        NotifyBuilder done = new NotifyBuilder(context).fromRoute("intake-inbox").whenDone(1).create();
        Files.createDirectories(inbox());
        Files.createSymbolicLink(inbox().resolve("link.yaml"), secret);
        assertThat(done.matches(20, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(inbox().resolve("link.yaml"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        String errors = Files.readString(inbox().resolve(".failed/link.yaml.errors.json"));
        assertThat(errors).contains("symbolic link").doesNotContain("top-secret-value", "5.1.2.99");
        assertThat(Files.isSymbolicLink(inbox().resolve(".failed/link.yaml"))).isTrue();
        assertThat(secret).exists();
        assertThat(get("/api/versions/5.1.2.99").statusCode()).isEqualTo(404);
    }

    @Test
    void aNameNear255BytesIsArchivedUnderASafeNameOnce() throws Exception {
        String name = "v".repeat(245) + ".yaml"; // 250 bytes: "-2", ".errors.json" or ".camelLock" would not fit
        Files.createDirectories(inbox());
        Files.write(inbox().resolve(name), "{ not yaml: [".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(20)).until(() -> !Files.exists(inbox().resolve(name)));
        String shorter = "w".repeat(220) + ".yaml"; // readable, but no room for ".errors.json"
        drop(shorter, "{ not yaml: [".getBytes(StandardCharsets.UTF_8));
        try (var failed = Files.list(inbox().resolve(".failed"))) {
            assertThat(failed.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("wwww")))
                    .hasSize(2).anySatisfy(n -> assertThat(n).endsWith("~.yaml.errors.json"));
        }
        try (var failed = Files.list(inbox().resolve(".failed"))) {
            assertThat(failed.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("vvvv")))
                    .hasSize(2).allSatisfy(n -> assertThat(n.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255))
                    .anySatisfy(n -> assertThat(n).endsWith("~.yaml.errors.json"));
        }
    }

    @Test
    void aBurstOfFilesIsReadAtPollSpeedNotOneEachCheckInterval() throws Exception {
        Path staging = Files.createDirectories(work.resolve("staging"));
        for (int i = 0; i < 20; i++) {
            Path file = staging.resolve("burst-" + i + ".json");
            Files.writeString(file, "{}");
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
        }
        NotifyBuilder all = new NotifyBuilder(context).fromRoute("intake-inbox").whenDone(20).create();
        Files.createDirectories(inbox());
        long start = System.nanoTime();
        try (var files = Files.list(staging)) {
            for (Path file : files.toList()) {
                Files.move(file, inbox().resolve(file.getFileName())); // renamed in: the convention for writers
            }
        }
        // with the 2 s unchanged-check alone, 20 files take 40 s
        assertThat(all.matches(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void archivedFilesAreKeptUpToTheConfiguredCount() throws Exception {
        for (int i = 0; i < 8; i++) {
            drop("retained-" + i + ".yaml", ("{ broken " + i).getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (var failed = Files.list(inbox().resolve(".failed"))) {
                assertThat(failed.filter(p -> !p.toString().endsWith(".errors.json")).count()).isLessThanOrEqualTo(5);
            }
        });
        JsonNode latest = json.readTree(inbox().resolve(".failed/retained-7.yaml.errors.json").toFile());
        assertThat(latest.path("status").asInt()).isEqualTo(400);
        assertThat(inbox().resolve(".failed/retained-0.yaml")).doesNotExist();
        assertThat(inbox().resolve(".failed/retained-0.yaml.errors.json")).doesNotExist();
    }

    /** Finding 12 for file names: a line break in a name is read, archived under a safe name, and logged on one line. */
    @Test
    void aLineBreakInAFileNameCannotForgeALogLine() throws Exception {
        String name = "forged\nWARN fake\u2028line.yaml";
        try (CapturedLog log = new CapturedLog()) {
            drop(name, "{ not yaml: [".getBytes(StandardCharsets.UTF_8));
            assertThat(inbox().resolve(".failed/forged_WARN fake_line.yaml")).exists();
            assertThat(inbox().resolve(".failed/forged_WARN fake_line.yaml.errors.json")).exists();
            List<String> ours = log.lines().stream().filter(line -> line.contains("forged")).toList();
            assertThat(ours).isNotEmpty().allSatisfy(line -> assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1));
            assertThat(ours).allSatisfy(line -> assertThat(line).doesNotContain("\u2028"));
            assertThat(log.lines()).noneMatch(line -> line.startsWith("WARN fake") || line.startsWith("line.yaml"));
        }
    }

    /** Finding 14: archived files older than upshift.inbox.retention go when the next file is archived. */
    @Test
    void archivedFilesPastTheRetentionAreRemoved() throws Exception {
        Path done = Files.createDirectories(inbox().resolve(".done"));
        Path old = Files.writeString(done.resolve("ancient.yaml"), "version: 1.0.0.00\n");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(721))));
        Path recent = Files.writeString(done.resolve("recent.yaml"), "version: 1.0.0.01\n");
        Files.setLastModifiedTime(recent, FileTime.from(Instant.now().minus(Duration.ofHours(719))));
        drop("platform-5.1.2.66.yaml", new String(example("platform-5.1.2.04.yaml"), StandardCharsets.UTF_8)
                .replace("5.1.2.04", "5.1.2.66").getBytes(StandardCharsets.UTF_8));
        assertThat(done.resolve("platform-5.1.2.66.yaml")).exists();
        assertThat(old).doesNotExist();
        assertThat(recent).exists();
    }
}
