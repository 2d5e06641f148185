package upshift.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The log scan finds each kind of credential, and passes ordinary log lines. */
class LogScanTest {

    @TempDir
    Path dir;

    @Test
    void findsEachKindOfCredentialAndNothingElse() throws Exception {
        String basic = Base64.getEncoder().encodeToString("ann:s3cret-value".getBytes());
        Path log = dir.resolve("app-output.txt");
        Files.write(log, List.of(
                "10:00:00.000 INFO  [main] Access - User 'ann' logged on from 127.0.0.1",
                "10:00:00.001 WARN  [main] Access - Failed login for user 'bob' from 127.0.0.1 (2 in a row)",
                "10:00:00.002 INFO  [main] Access - Its password is in /data/initial-admin-password",
                "10:00:00.003 ERROR [x] DefaultErrorHandler - headers: {Authorization=Basic " + basic + "}",
                "10:00:00.004 DEBUG [x] Http - Cookie: upshift.session=0123456789abcdef",
                "10:00:00.005 DEBUG [x] Http - sent with Bearer eyJhbGciOiJIUzI1NiJ9.abc.def",
                "10:00:00.006 INFO  [x] Users - password=hunter22",
                "10:00:00.007 INFO  [x] Users - masked password=xxxxxx",
                "10:00:00.008 INFO  [x] Test - the-suites-own-password in a line",
                "10:00:00.009 INFO  [x] Route - basic configuration loaded"));
        List<LogScan.Finding> findings = new LogScan(List.of("the-suites-own-password")).scan(log);
        assertThat(findings).extracting(LogScan.Finding::line).containsExactlyInAnyOrder(4, 4, 5, 6, 7, 9);
        assertThat(findings).extracting(LogScan.Finding::rule).contains("Authorization header value",
                "Basic credentials", "session cookie", "Bearer token", "password value",
                "a password or token the suite used");
        assertThat(findings.toString()).doesNotContain("s3cret", "hunter22", basic);
    }
}
