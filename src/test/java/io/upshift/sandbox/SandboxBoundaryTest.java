package io.upshift.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sandbox cluster is a simulator shipped beside the code that talks to real clusters: the mock
 * API server it is built on ({@code kubernetes-server-mock}, fabric8's mockwebserver) may be used
 * by {@code io.upshift.sandbox} only, so nothing else can come to depend on a fake cluster.
 */
class SandboxBoundaryTest {

    private static final List<String> SIMULATOR_PACKAGES = List.of("io.fabric8.kubernetes.client.server.mock",
            "io.fabric8.mockwebserver", "okhttp3.mockwebserver");
    private static final List<Path> SOURCES = List.of(Path.of("src/main/java"), Path.of("src/test/java"),
            Path.of("bench/src/main/java"));
    private static final Path SANDBOX = Path.of("io", "upshift", "sandbox");

    @Test
    void onlyTheSandboxPackageUsesTheMockApiServer() {
        List<String> offenders = SOURCES.stream().flatMap(SandboxBoundaryTest::javaFiles)
                .filter(file -> !inSandbox(file))
                .filter(SandboxBoundaryTest::usesSimulator)
                .map(Path::toString)
                .toList();
        assertThat(offenders).as("classes outside io.upshift.sandbox that use the mock API server").isEmpty();
    }

    @Test
    void theGuardSeesTheSandboxItself() {
        // the check above would pass vacuously if it looked in the wrong place
        assertThat(javaFiles(SOURCES.get(0)).filter(SandboxBoundaryTest::inSandbox)
                .filter(SandboxBoundaryTest::usesSimulator)).isNotEmpty();
    }

    private static boolean inSandbox(Path file) {
        for (Path root : SOURCES) {
            if (file.startsWith(root)) {
                return root.relativize(file).startsWith(SANDBOX);
            }
        }
        return false;
    }

    private static boolean usesSimulator(Path file) {
        try {
            String source = Files.readString(file);
            return SIMULATOR_PACKAGES.stream().anyMatch(source::contains);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Stream<Path> javaFiles(Path root) {
        if (!Files.isDirectory(root)) {
            return Stream.empty();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
