package io.upshift.schedule;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.quartz.utils.ConnectionProvider;

/**
 * Quartz's JDBC job store on the application's own pool ({@code dataSource} bean), so its tables
 * live in the application's database. The data source is looked up on first use (bean binding order
 * is not defined) and is not Quartz's to close.
 */
public class DataSourceConnectionProvider implements ConnectionProvider {

    private final Supplier<DataSource> dataSource;

    public DataSourceConnectionProvider(Supplier<DataSource> dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return dataSource.get().getConnection();
    }

    @Override
    public void shutdown() {
        // the application closes its pool
    }

    @Override
    public void initialize() {
        // nothing to set up: the pool exists
    }
}
