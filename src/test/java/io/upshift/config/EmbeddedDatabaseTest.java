package io.upshift.config;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Finding 4: the embedded database on its shipped settings opens no TCP server, lives in an
 * owner-only folder, and has a password generated at first start, not the documented default.
 */
class EmbeddedDatabaseTest extends UpshiftTestSupport {

    @Override
    protected Properties settings() {
        Properties shipped = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("application.properties"))) {
            shipped.load(in);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        Properties p = new Properties();
        p.setProperty("upshift.db.url", shipped.getProperty("upshift.db.url")); // the shipped URL, in this test's data dir
        return p;
    }

    private Path data() {
        return work.resolve("data");
    }

    @Test
    void noServerAnOwnerOnlyFolderAndAGeneratedPassword() throws Exception {
        assertThat(Files.getPosixFilePermissions(data())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        Path passwordFile = data().resolve(DataFolder.PASSWORD_FILE);
        assertThat(Files.getPosixFilePermissions(passwordFile)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String password = Files.readString(passwordFile).trim();
        assertThat(password).hasSize(24);

        // H2 writes the address of an AUTO_SERVER's TCP port into the lock file: there is none
        Path lock = data().resolve("upshift.lock.db");
        if (Files.exists(lock)) {
            assertThat(Files.readString(lock)).doesNotContain("server=");
        }
        String url = "jdbc:h2:file:" + data().resolve("upshift");
        assertThatThrownBy(() -> DriverManager.getConnection(url, "upshift", DataFolder.LEGACY_PASSWORD).close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password");
        try (Connection c = DriverManager.getConnection(url, "upshift", password)) {
            assertThat(c.isValid(1)).isTrue();
        }
    }

    @Test
    void aDatabaseFromBeforeGetsAGeneratedPasswordInsteadOfTheOldOne() throws Exception {
        Path old = work.resolve("old-data");
        String url = "jdbc:h2:file:" + old.resolve("upshift");
        try (Connection c = DriverManager.getConnection(url, "upshift", DataFolder.LEGACY_PASSWORD)) {
            c.createStatement().execute("CREATE TABLE kept (id INT)");
        }
        String password = new DataFolder(old).prepare().embeddedPassword(url, "upshift");
        assertThat(password).isNotEqualTo(DataFolder.LEGACY_PASSWORD);
        try (Connection c = DriverManager.getConnection(url, "upshift", password)) {
            assertThat(c.getMetaData().getTables(null, null, "KEPT", null).next()).isTrue();
        }
        assertThat(new DataFolder(old).embeddedPassword(url, "upshift")).isEqualTo(password);
    }
}
