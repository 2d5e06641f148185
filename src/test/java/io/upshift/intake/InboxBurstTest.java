package io.upshift.intake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.stream.Stream;

import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A burst of files dropped into the inbox at once (issue 19): taken at most {@code max-per-poll} a poll (here
 * 250, so the burst spans eight polls), every one ends in {@code .done/} or in {@code .failed/} with its errors
 * file, each once. Correctness only, at 2,000 files to keep the suite short: the 10,000-file run, with its
 * counts, throughput and heap peak, is BENCHMARKS.md's (InboxBurstBenchmark).
 */
class InboxBurstTest extends UpshiftTestSupport {

    static final int FILES = 2_000;
    /** One file in this many is a version configuration (imported, then overwritten); the rest are rejected. */
    static final int VALID_EVERY = 100;

    @Override
    protected Properties settings() {
        Properties p = new Properties();
        p.setProperty("upshift.inbox.max-archived", String.valueOf(2 * FILES));
        p.setProperty("upshift.inbox.max-per-poll", "250");
        return p;
    }

    @Test
    void everyFileOfABurstEndsDoneOrFailedOnce() throws Exception {
        Path staging = Files.createDirectories(work.resolve("burst"));
        byte[] valid = new String(example("platform-5.1.2.04.yaml")).replace("5.1.2.04", "8.8.8.01").getBytes();
        write(staging, FILES, VALID_EVERY, valid);
        Files.createDirectories(inbox());
        // dropped at once: renamed in, as writers should
        try (Stream<Path> files = Files.list(staging)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.move(f, inbox().resolve(f.getFileName()));
            }
        }

        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1))
                .until(() -> count(inbox(), "") == 0);
        int done = count(inbox().resolve(InboxArchive.DONE), ".yaml");
        int failed = count(inbox().resolve(InboxArchive.FAILED), ".yaml");
        int errors = count(inbox().resolve(InboxArchive.FAILED), ".errors.json");
        assertThat(done).isEqualTo(FILES / VALID_EVERY);
        assertThat(failed).isEqualTo(FILES - FILES / VALID_EVERY);
        assertThat(errors).isEqualTo(failed);
        // each once: archived under its own name, none a second time (a-2.yaml)
        assertThat(count(inbox().resolve(InboxArchive.DONE), "-2.yaml") + count(inbox().resolve(InboxArchive.FAILED),
                "-2.yaml")).isZero();
    }

    /** {@code n} files named burst-00000.yaml…, one in {@code validEvery} the given configuration, the others rejected. */
    static void write(Path dir, int n, int validEvery, byte[] valid) throws IOException {
        for (int i = 0; i < n; i++) {
            byte[] content = i % validEvery == 0 ? valid : ("version: not-a-version-" + i + "\n").getBytes();
            Files.write(dir.resolve(String.format("burst-%05d.yaml", i)), content);
        }
    }

    /** Regular files in {@code dir} whose names end with {@code suffix} ("" for any, errors files excluded then). */
    private static int count(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return (int) files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(suffix) && (suffix.endsWith(".errors.json") || !n.endsWith(".errors.json")))
                    .count();
        }
    }
}
