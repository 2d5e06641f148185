package upshift.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After the whole suite (bound to post-integration-test, see pom.xml): what the tests and the
 * processes they started logged holds no password, token, session id or Authorization value.
 * Scans the surefire and failsafe outputs (the application's log, in-process) and the started
 * processes' logs (target/it).
 */
class LogScanIT {

    /** The passwords the suite logs on with (UpshiftTestSupport and the tests), and their Basic forms. */
    private static final List<String> PASSWORDS = List.of("test-password-1", "a-long-enough-password",
            "not-the-password");
    private static final Path TARGET = Path.of("target");

    @Test
    void theSuiteLoggedNoCredential() throws Exception {
        List<Path> files = LogScan.files(List.of(TARGET.resolve("surefire-reports"), TARGET.resolve("failsafe-reports"),
                TARGET.resolve("it")), List.of("-output.txt", ".log"));

        // it scans what the suite wrote: the access tests' log, with their failed logins in it
        assertThat(files).as("log files of the suite").hasSizeGreaterThan(10);
        Path access = TARGET.resolve("surefire-reports/io.upshift.web.AccessTest-output.txt");
        assertThat(files).contains(access);
        assertThat(Files.readString(access)).contains("Failed login for user");

        List<String> secrets = new ArrayList<>(PASSWORDS);
        for (String user : List.of("test-operator", "test-viewer")) {
            secrets.add(Base64.getEncoder().encodeToString((user + ":test-password-1").getBytes()));
        }
        LogScan scan = new LogScan(secrets);
        List<LogScan.Finding> findings = new ArrayList<>();
        long bytes = 0;
        for (Path file : files) {
            findings.addAll(scan.scan(file));
            bytes += Files.size(file);
        }
        assertThat(bytes).as("bytes of log scanned").isPositive();
        assertThat(findings).as("credentials in %d log files (%d bytes)", files.size(), bytes).isEmpty();
    }
}
