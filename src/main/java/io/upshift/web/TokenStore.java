package io.upshift.web;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

/** API tokens in the application's database ({@code api_token}, migration V11), looked up by hash. */
public class TokenStore {

    private static final String COLUMNS = "name, role, owner, created_at, expires_at, last_used_at";

    private final DataSource dataSource;

    public TokenStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Stores a new token; false when the name is taken. */
    public boolean insert(ApiToken token, String sha256) {
        try {
            execute("INSERT INTO api_token (name, token_sha256, role, owner, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                    token.name(), sha256, token.role(), token.owner(), at(token.createdAt()), at(token.expiresAt()));
            return true;
        } catch (DuplicateName e) {
            return false;
        }
    }

    /** The unexpired token with this hash. One indexed read: this runs on every token-authenticated call. */
    public Optional<ApiToken> findValid(String sha256, Instant now) {
        return query("SELECT " + COLUMNS + " FROM api_token WHERE token_sha256 = ? AND expires_at > ?", sha256, at(now))
                .stream().findFirst();
    }

    public Optional<ApiToken> find(String name) {
        return query("SELECT " + COLUMNS + " FROM api_token WHERE name = ?", name).stream().findFirst();
    }

    public List<ApiToken> list() {
        return query("SELECT " + COLUMNS + " FROM api_token ORDER BY created_at, name");
    }

    public boolean delete(String name) {
        return execute("DELETE FROM api_token WHERE name = ?", name) == 1;
    }

    public void touch(String name, Instant at) {
        execute("UPDATE api_token SET last_used_at = ? WHERE name = ?", at(at), name);
    }

    private List<ApiToken> query(String sql, Object... parameters) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, parameters);
                ResultSet rs = ps.executeQuery()) {
            List<ApiToken> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new ApiToken(rs.getString("name"), rs.getString("role"), rs.getString("owner"),
                        instant(rs, "created_at"), instant(rs, "expires_at"), instant(rs, "last_used_at")));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read API tokens: " + e.getMessage(), e);
        }
    }

    private int execute(String sql, Object... parameters) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = prepare(c, sql, parameters)) {
            return ps.executeUpdate();
        } catch (SQLIntegrityConstraintViolationException e) {
            throw new DuplicateName();
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) { // unique violation (PostgreSQL and H2)
                throw new DuplicateName();
            }
            throw new IllegalStateException("could not write API tokens: " + e.getMessage(), e);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... parameters) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            ps.setObject(i + 1, parameters[i]);
        }
        return ps;
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime at(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static final class DuplicateName extends RuntimeException {
        DuplicateName() {
            super(null, null, false, false);
        }
    }
}
