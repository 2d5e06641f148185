package io.upshift.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Statements run through {@link Jdbc}, the stores' one helper: it binds instants as UTC, closes what
 * it opens and names what failed. Only the classes below handle JDBC themselves, each for a reason
 * a store does not have: the database health check (a connection's validity, no statement),
 * migration at start, the connection provider Quartz's job store asks for, the replicas' signals
 * (one connection of its own held open for PostgreSQL's {@code LISTEN}, outside the pool), and the
 * data folder (an older embedded database gets its generated password before any pool exists).
 */
class StoreBoundaryTest {

    private static final Path MAIN = Path.of("src/main/java");
    private static final Set<Path> ALLOWED = Set.of(
            Path.of("io/upshift/store/Jdbc.java"),
            Path.of("io/upshift/config/HealthConfiguration.java"),
            Path.of("io/upshift/config/StorageConfiguration.java"),
            Path.of("io/upshift/schedule/DataSourceConnectionProvider.java"),
            Path.of("io/upshift/cluster/Signals.java"),
            Path.of("io/upshift/config/DataFolder.java"));
    private static final List<String> RAW_JDBC = List.of("PreparedStatement", "createStatement(", ".getConnection()");

    @Test
    void onlyJdbcRunsStatements() {
        List<String> offenders = javaFiles().filter(file -> !ALLOWED.contains(MAIN.relativize(file)))
                .filter(StoreBoundaryTest::usesRawJdbc)
                .map(Path::toString)
                .toList();
        assertThat(offenders).as("classes that run SQL without io.upshift.store.Jdbc").isEmpty();
    }

    @Test
    void theGuardSeesRawJdbcWhereItIs() {
        // the check above would pass vacuously if it looked in the wrong place or for the wrong words
        assertThat(usesRawJdbc(MAIN.resolve("io/upshift/store/Jdbc.java"))).isTrue();
        assertThat(ALLOWED).allSatisfy(allowed -> assertThat(MAIN.resolve(allowed)).exists());
    }

    private static boolean usesRawJdbc(Path file) {
        try {
            String source = Files.readString(file);
            return RAW_JDBC.stream().anyMatch(source::contains);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Stream<Path> javaFiles() {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
