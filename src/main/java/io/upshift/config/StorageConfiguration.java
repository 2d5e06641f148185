package io.upshift.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

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
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        return dataSource;
    }

    /** Time comes from one clock so that tests of windows and leases can control it. */
    @BindToRegistry("clock")
    public Clock clock() {
        return Clock.systemUTC();
    }
}
