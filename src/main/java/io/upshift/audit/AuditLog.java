package io.upshift.audit;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.upshift.store.Jdbc;

/** The audit trail in table {@code audit_log}: appended to, read a page at a time, newest first; never changed. */
public class AuditLog {

    private static final int MAX_TEXT = 255;

    private final Jdbc jdbc;
    private final Clock clock;

    public AuditLog(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public void append(String user, String role, String address, String action, String object, String outcome,
            Integer status) {
        jdbc.update("INSERT INTO audit_log (at, username, role, address, action, object, outcome, status)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", clock.instant(), cut(user), role, cut(address), action, cut(object),
                outcome, status);
    }

    /** Rows at or after {@code since}, of {@code user} and {@code action} when given, newest first. */
    public List<AuditEntry> list(Instant since, String user, String action, int offset, int limit) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> parameters = new ArrayList<>();
        if (since != null) {
            where.append(" AND at >= ?");
            parameters.add(since);
        }
        if (user != null && !user.isBlank()) {
            where.append(" AND username = ?");
            parameters.add(user);
        }
        if (action != null && !action.isBlank()) {
            where.append(" AND action = ?");
            parameters.add(action);
        }
        parameters.add(limit);
        parameters.add(offset);
        return jdbc.query("SELECT id, at, username, role, address, action, object, outcome, status FROM audit_log" + where
                + " ORDER BY id DESC LIMIT ? OFFSET ?", row -> {
                    int status = row.getInt(9);
                    Integer s = row.wasNull() ? null : status;
                    return new AuditEntry(row.getLong(1), Jdbc.instant(row, 2), row.getString(3), row.getString(4),
                            row.getString(5), row.getString(6), row.getString(7), row.getString(8), s);
                }, parameters.toArray());
    }

    private static String cut(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT);
    }
}
