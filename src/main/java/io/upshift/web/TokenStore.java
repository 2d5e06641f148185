package io.upshift.web;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.upshift.store.Jdbc;

/** API tokens in the application's database ({@code api_token}, migration V11), looked up by hash. */
public class TokenStore {

    private static final String COLUMNS = "name, role, owner, created_at, expires_at, last_used_at";

    private final Jdbc jdbc;

    public TokenStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores a new token; false when the name is taken. */
    public boolean insert(ApiToken token, String sha256) {
        try {
            jdbc.updateOrThrow("INSERT INTO api_token (name, token_sha256, role, owner, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                    token.name(), sha256, token.role(), token.owner(), token.createdAt(), token.expiresAt());
            return true;
        } catch (SQLException e) {
            if (Jdbc.isDuplicateKey(e)) {
                return false;
            }
            throw new IllegalStateException("database: could not store API token " + token.name() + ": " + e.getMessage(), e);
        }
    }

    /** The unexpired token with this hash. One indexed read: this runs on every token-authenticated call. */
    public Optional<ApiToken> findValid(String sha256, Instant now) {
        return query("SELECT " + COLUMNS + " FROM api_token WHERE token_sha256 = ? AND expires_at > ?", sha256, now)
                .stream().findFirst();
    }

    public Optional<ApiToken> find(String name) {
        return query("SELECT " + COLUMNS + " FROM api_token WHERE name = ?", name).stream().findFirst();
    }

    public List<ApiToken> list() {
        return query("SELECT " + COLUMNS + " FROM api_token ORDER BY created_at, name");
    }

    public boolean delete(String name) {
        return jdbc.update("DELETE FROM api_token WHERE name = ?", name) == 1;
    }

    public void touch(String name, Instant at) {
        jdbc.update("UPDATE api_token SET last_used_at = ? WHERE name = ?", at, name);
    }

    private List<ApiToken> query(String sql, Object... parameters) {
        return jdbc.query(sql, row -> new ApiToken(row.getString("name"), row.getString("role"), row.getString("owner"),
                instant(row, "created_at"), instant(row, "expires_at"), instant(row, "last_used_at")), parameters);
    }

    private static Instant instant(ResultSet row, String column) throws SQLException {
        return Jdbc.instant(row, row.findColumn(column));
    }
}
