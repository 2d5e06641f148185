package io.upshift.config;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Locale;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.upshift.metrics.SqlStatementMetrics;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.flywaydb.core.Flyway;

/**
 * The application's database: H2 on disk under {@code upshift.data.dir} by default (in this process
 * only: no TCP server; its password generated at first start, see {@link DataFolder}), PostgreSQL in
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

    @PropertyInject(value = "upshift.db.pool-size", defaultValue = "10")
    private int poolSize;

    @PropertyInject(value = "upshift.db.connection-timeout", defaultValue = "5s")
    private String connectionTimeout;

    private final SqlStatementMetrics statements = new SqlStatementMetrics();

    /** Every statement run through {@code dataSource} (the metrics configuration binds it to the registry). */
    @BindToRegistry("sqlStatementMetrics")
    public SqlStatementMetrics sqlStatementMetrics() {
        return statements;
    }

    @BindToRegistry("dataSource")
    public DataSource dataSource(CamelContext camel) throws Exception {
        // optional: unset with the embedded database, whose password is generated
        String password = camel.getPropertiesComponent().resolveProperty("upshift.db.password").orElse("");
        DataFolder data = new DataFolder(Path.of(dataDir)).prepare();
        HikariConfig config = new HikariConfig();
        config.setPoolName("upshift");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password.isEmpty() && embedded(url) ? data.embeddedPassword(url, user) : password);
        config.setMaximumPoolSize(poolSize);
        // the longest any statement waits for a connection while the database is unreachable (Hikari's default: 30 s)
        config.setConnectionTimeout(io.upshift.kubernetes.Durations.parse(connectionTimeout).toMillis());
        HikariDataSource dataSource = new HikariDataSource(config);
        Flyway.configure().dataSource(dataSource)
                .locations("classpath:db/migration", "classpath:db/vendor/" + vendor(dataSource))
                .load().migrate();
        // counted from here on: the migrations are not the application's statements
        return ProxyDataSourceBuilder.create("upshift", dataSource).listener(statements).build();
    }

    /** An H2 database in a file of this process (no server of its own, unless the URL asks for one). */
    static boolean embedded(String url) {
        return url.startsWith("jdbc:h2:file:") || (url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:tcp:")
                && !url.startsWith("jdbc:h2:ssl:") && !url.startsWith("jdbc:h2:mem:"));
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
