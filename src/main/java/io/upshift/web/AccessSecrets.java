package io.upshift.web;

import java.sql.SQLException;

import io.upshift.store.Jdbc;

/**
 * Keys every replica must share (the CSRF tokens' HMAC key: a token one replica gave must pass on
 * another), in {@code access_secret} (migration V21): made by whichever replica asks first, read
 * by the others. Never logged.
 */
public final class AccessSecrets {

    private final Jdbc db;

    public AccessSecrets(Jdbc db) {
        this.db = db;
    }

    /** The secret of this name, made now (288 random bits) if no replica made it yet. */
    public String get(String name) {
        return find(name).orElseGet(() -> {
            try {
                db.updateOrThrow("INSERT INTO access_secret (name, secret) VALUES (?, ?)", name,
                        Passwords.generate() + Passwords.generate());
            } catch (SQLException e) {
                if (!Jdbc.isDuplicateKey(e)) {
                    throw new IllegalStateException("could not store the access secret " + name, e);
                }
                // another replica made it first: use theirs
            }
            return find(name).orElseThrow();
        });
    }

    private java.util.Optional<String> find(String name) {
        return db.one("SELECT secret FROM access_secret WHERE name = ?", row -> row.getString(1), name);
    }
}
