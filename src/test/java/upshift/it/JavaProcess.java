package upshift.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started from {@code target/upshift.jar} in the repository root, its output (stdout and
 * stderr) in a file for diagnosis. {@link #kill()} is {@code kill -9}: no shutdown hook runs.
 */
final class JavaProcess {

    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    /** Start-up matters more than peak speed here, and the machine's cores are shared. */
    private static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx384m");

    private final String name;
    private final Process process;
    private final Path output;

    private JavaProcess(String name, Process process, Path output) {
        this.name = name;
        this.process = process;
        this.output = output;
    }

    /** Starts {@code java <jvm options> <arguments>} in the repository root, with {@code environment} added. */
    static JavaProcess start(String name, Path output, Map<String, String> environment, List<String> arguments)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(JAVA.toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(arguments);
        Files.createDirectories(output.getParent());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(Path.of("").toAbsolutePath().toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        return new JavaProcess(name, process, output);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL on Linux ({@link Process#destroyForcibly()}), then waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " (pid " + pid() + ") survived kill -9");
        }
    }

    /** SIGTERM ({@link Process#destroy()} on Linux), as Kubernetes stops a container; returns at once. */
    void terminate() {
        process.destroy();
    }

    /** SIGTERM, then SIGKILL if it does not end within a few seconds. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            kill();
        }
    }

    /** Waits for the process to end by itself; its exit code, or empty if it still runs after {@code timeout}. */
    java.util.OptionalInt awaitExit(java.time.Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? java.util.OptionalInt.of(process.exitValue())
                : java.util.OptionalInt.empty();
    }

    String output() throws IOException {
        return Files.readString(output);
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ", output " + output + ")";
    }
}
