package io.upshift.web;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import io.upshift.UpshiftTestSupport;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Started without a users file: one operator, admin, whose generated password goes to an
 * owner-only file, never into the log.
 */
class FirstStartTest extends UpshiftTestSupport {

    private static final List<String> LOGGED = new CopyOnWriteArrayList<>();

    static {
        AbstractAppender capture = new AbstractAppender("first-start", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                LOGGED.add(event.getMessage().getFormattedMessage());
            }
        };
        capture.start();
        ((Logger) LogManager.getLogger(Access.class)).addAppender(capture);
    }

    @Override
    protected Properties settings() {
        Properties p = new Properties();
        p.setProperty("upshift.auth.users-file", work.resolve("fresh/users.yaml").toString());
        p.setProperty("upshift.auth.hash-iterations", "1000");
        return p;
    }

    @Test
    void createsAdminWithAGeneratedPasswordShownOnce() throws Exception {
        String file = Files.readString(work.resolve("fresh/users.yaml"));
        assertThat(file).contains("admin:").contains("role: \"operator\"").contains("$pbkdf2$it=1000$");

        java.nio.file.Path passwordFile = work.resolve("fresh/" + InitialPassword.FILE_NAME);
        String password = Files.readString(passwordFile).trim();
        assertThat(password).hasSize(24);
        assertThat(file).doesNotContain(password);
        assertThat(java.nio.file.Files.getPosixFilePermissions(passwordFile))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        List<String> created = LOGGED.stream().filter(line -> line.contains("Created")).toList();
        assertThat(created).hasSize(1);
        assertThat(created.get(0)).contains(passwordFile.toString());
        assertThat(LOGGED).noneMatch(line -> line.contains(password));

        assertThat(send(null, HttpRequest.newBuilder(uri("/api/versions"))
                .header("Authorization", basic("admin", password))).statusCode()).isEqualTo(200);
        assertThat(send(null, HttpRequest.newBuilder(uri("/api/versions"))
                .header("Authorization", basic("admin", "admin"))).statusCode()).isEqualTo(401);
    }
}
