package io.upshift.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Issue 19: a burst of files dropped into the inbox at once (default 10,000: one in 100 a version
 * configuration, imported then overwritten, the rest rejected with an errors file), drained by the real
 * application with its shipped inbox settings (a poll a second, at most {@code upshift.inbox.max-per-poll}
 * files a poll). Prints the time from the first file renamed in to the last archived, files a second, the
 * files in .done/ and .failed/, and the heap's peak. {@code max-archived} is raised so that none is pruned.
 * <p>args: files (default 10000), one valid in (default 100).
 */
public final class InboxBurstBenchmark {

    private InboxBurstBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int validEvery = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        System.setProperty("upshift.inbox.max-archived", String.valueOf(2 * files));
        Path work = Files.createTempDirectory("upshift-bench-inbox");
        try (BenchApplication app = new BenchApplication(work, Path.of("examples/platform-5.1.2.02.yaml"), 4, "200ms")) {
            Path inbox = Files.createDirectories(work.resolve("inbox"));
            Path staging = Files.createDirectories(work.resolve("staging"));
            byte[] valid = Files.readString(Path.of("examples/platform-5.1.2.04.yaml")).replace("5.1.2.04", "8.8.8.01")
                    .getBytes();
            for (int i = 0; i < files; i++) {
                byte[] content = i % validEvery == 0 ? valid : ("version: not-a-version-" + i + "\n").getBytes();
                Files.write(staging.resolve(String.format("burst-%05d.yaml", i)), content);
            }
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            long start = System.nanoTime();
            try (Stream<Path> staged = Files.list(staging)) {
                for (Path f : (Iterable<Path>) staged::iterator) {
                    Files.move(f, inbox.resolve(f.getFileName()));
                }
            }
            long deadline = start + 30L * 60 * 1_000_000_000L;
            while (regularFiles(inbox, "") > 0 && System.nanoTime() < deadline) {
                Thread.sleep(100); // a benchmark's own wait, not a test's
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long peakHeap = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                    .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            long done = regularFiles(inbox.resolve(".done"), ".yaml");
            long failed = regularFiles(inbox.resolve(".failed"), ".yaml");
            long errors = regularFiles(inbox.resolve(".failed"), ".errors.json");
            System.out.printf("%nfiles %d: drained in %.1f s, %.0f files/s; .done %d, .failed %d (errors files %d),"
                    + " left %d; heap peak %d MiB (JVM max %d MiB)%n", files, seconds, files / seconds, done, failed,
                    errors, regularFiles(inbox, ""), peakHeap >> 20, Runtime.getRuntime().maxMemory() >> 20);
        }
    }

    private static long regularFiles(Path dir, String suffix) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(suffix) && (suffix.endsWith(".errors.json") || !n.endsWith(".errors.json")))
                    .count();
        }
    }
}
