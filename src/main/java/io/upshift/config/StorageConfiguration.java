package io.upshift.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Locale;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.flywaydb.core.Flyway;

/**
 * The application's database: H2 on disk under {@code upshift.data.dir} by default, PostgreSQL in
 * production. The schema is brought up to date by Flyway before anything else uses it.
 */
@Configuration
public class StorageConfiguration implements CamelConfiguration {

    @PropertyInject("upshift.data.dir")
    private String dataDir;

    @PropertyInject("upshift.db.url")
    private String url;

    @PropertyInject("upshift.db.user")
    private String user;

    @PropertyInject(value = "upshift.db.password", defaultValue = "")
    private String password;

    @PropertyInject(value = "upshift.db.pool-size", defaultValue = "10")
    private int poolSize;

    @BindToRegistry("dataSource")
    public DataSource dataSource() throws Exception {
        Files.createDirectories(Path.of(dataDir));
        HikariConfig config = new HikariConfig();
        config.setPoolName("upshift");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        HikariDataSource dataSource = new HikariDataSource(config);
        Flyway.configure().dataSource(dataSource)
                .locations("classpath:db/migration", "classpath:db/vendor/" + vendor(dataSource))
                .load().migrate();
        return dataSource;
    }

    /**
     * The folder of vendor-specific migrations (Quartz's tables differ per database): {@code h2} or
     * {@code postgresql}. Plain Flyway has no {@code {vendor}} placeholder (Spring Boot's), hence this.
     */
    static String vendor(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            if (product.contains("postgres")) {
                return "postgresql";
            }
            if (product.contains("h2")) {
                return "h2";
            }
            throw new IllegalStateException("unsupported database " + product + ": Upshift runs on H2 or PostgreSQL");
        }
    }

    /** Time comes from one clock so that tests of windows and leases can control it. */
    @BindToRegistry("clock")
    public Clock clock() {
        return Clock.systemUTC();
    }
}
