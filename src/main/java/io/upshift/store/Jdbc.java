package io.upshift.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

/**
 * The stores' one JDBC helper: a statement with its parameters in, rows or a count out, on a
 * connection of the pool, or on one connection in one transaction ({@link #inTransaction}).
 * {@link Instant} parameters are written as UTC timestamps; {@link #instant} reads them back.
 * Failures become {@link IllegalStateException}s that name what could not be done.
 */
public final class Jdbc {

    /** SQLSTATE of a unique or primary key violation (H2 and PostgreSQL). */
    public static final String UNIQUE_VIOLATION = "23505";

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface Row<T> {
        T map(ResultSet row) throws SQLException;
    }

    /** Work on one connection inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Jdbc transaction) throws SQLException;
    }

    private final DataSource dataSource;
    private final Connection connection;

    public Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
        this.connection = null;
    }

    private Jdbc(Connection connection) {
        this.dataSource = null;
        this.connection = connection;
    }

    public <T> List<T> query(String sql, Row<T> row, Object... parameters) {
        try {
            return withConnection(c -> {
                try (PreparedStatement ps = prepare(c, sql, parameters); ResultSet rs = ps.executeQuery()) {
                    List<T> rows = new ArrayList<>();
                    while (rs.next()) {
                        rows.add(row.map(rs));
                    }
                    return rows;
                }
            });
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    public <T> Optional<T> one(String sql, Row<T> row, Object... parameters) {
        List<T> rows = query(sql, row, parameters);
        return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0));
    }

    /** Runs an INSERT, UPDATE or DELETE; returns the number of rows changed. */
    public int update(String sql, Object... parameters) {
        try {
            return updateOrThrow(sql, parameters);
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /** Like {@link #update} but leaves the {@link SQLException} to the caller (e.g. to tell a duplicate key). */
    public int updateOrThrow(String sql, Object... parameters) throws SQLException {
        return withConnection(c -> {
            try (PreparedStatement ps = prepare(c, sql, parameters)) {
                return ps.executeUpdate();
            }
        });
    }

    /** Runs an INSERT into a table whose key column {@code id} the database generates; returns that key. */
    public long insert(String sql, Object... parameters) {
        try {
            return withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql, new String[] {"id"})) {
                    bind(ps, parameters);
                    ps.executeUpdate();
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        if (!keys.next()) {
                            throw new SQLException("no generated key");
                        }
                        return keys.getLong(1);
                    }
                }
            });
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /** One statement run for each parameter list, as one JDBC batch. */
    public void batch(String sql, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        try {
            withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    for (Object[] parameters : rows) {
                        bind(ps, parameters);
                        ps.addBatch();
                    }
                    return ps.executeBatch();
                }
            });
        } catch (SQLException e) {
            throw failure(sql, e);
        }
    }

    /** Runs {@code work} on one connection in one transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(Work<T> work) {
        if (connection != null) {
            try {
                return work.run(this);
            } catch (SQLException e) {
                throw failure("a transaction", e);
            }
        }
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(new Jdbc(c));
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw failure("a transaction", e);
        }
    }

    public static boolean isDuplicateKey(SQLException e) {
        return UNIQUE_VIOLATION.equals(e.getSQLState());
    }

    /**
     * True when {@code failure} (or one of its causes) says the database could not be reached, as opposed to a
     * statement it refused: no connection within the pool's timeout, a connection broken or refused, or SQLSTATE
     * class 08 (connection exception).
     */
    public static boolean isUnreachable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof java.sql.SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null && s.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    public static Instant instant(ResultSet row, int column) throws SQLException {
        OffsetDateTime at = row.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    @FunctionalInterface
    private interface OnConnection<T> {
        T apply(Connection c) throws SQLException;
    }

    private <T> T withConnection(OnConnection<T> call) throws SQLException {
        if (connection != null) {
            return call.apply(connection);
        }
        try (Connection c = dataSource.getConnection()) {
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            return call.apply(c);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... parameters) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            bind(ps, parameters);
            return ps;
        } catch (SQLException e) {
            ps.close();
            throw e;
        }
    }

    private static void bind(PreparedStatement ps, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            Object p = parameters[i];
            ps.setObject(i + 1, p instanceof Instant at ? at.atOffset(ZoneOffset.UTC) : p);
        }
    }

    private static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("database: could not run " + what + ": " + e.getMessage(), e);
    }
}
