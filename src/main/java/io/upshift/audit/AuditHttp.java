package io.upshift.audit;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import io.upshift.RejectedException;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;

/** {@code GET /api/audit} (bean {@code auditHttp}): operators only, a page at a time, newest first. */
public class AuditHttp {

    static final int DEFAULT_PAGE_SIZE = 50;
    static final int MAX_PAGE_SIZE = 200;
    /** Deepest row a page may start at: paging beyond it is refused (400), never an OFFSET that overflows. */
    static final long MAX_OFFSET = 1_000_000;

    private final AuditLog log;

    public AuditHttp(AuditLog log) {
        this.log = log;
    }

    /** {@code caller}: the authenticated Vert.x user of the request. */
    /**
     * One page of the trail, newest first. {@code action} is read from the raw query string: the
     * header policy drops a query parameter named like a path parameter ({@code action} is one on
     * {@code /api/upgrades/{id}/{action}}), so it never reaches this route as a header.
     */
    public List<AuditEntry> page(Object caller, String since, String user, String rawQuery, Integer page, Integer size) {
        String action = queryParameter(rawQuery, "action");
        if (!(caller instanceof User u) || !RoleBasedAuthorization.create("operator").match(u)) {
            throw new RejectedException(RejectedException.Code.FORBIDDEN, "forbidden",
                    List.of("the audit trail is for operators"));
        }
        int limit = size == null || size < 1 ? DEFAULT_PAGE_SIZE : Math.min(size, MAX_PAGE_SIZE);
        long from = page == null || page < 1 ? 0 : (page - 1L) * limit;
        if (from > MAX_OFFSET) {
            throw new RejectedException(400, "bad page", List.of("page times size may reach " + MAX_OFFSET + " rows at most"));
        }
        return log.list(instant(since), user, action, (int) from, limit);
    }

    static String queryParameter(String rawQuery, String name) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                return value.isBlank() ? null : value;
            }
        }
        return null;
    }

    private static Instant instant(String since) {
        if (since == null || since.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(since.trim());
        } catch (DateTimeParseException e) {
            throw new RejectedException(400, "bad since", List.of("since must be an instant such as 2026-11-27T20:00:00Z"));
        }
    }
}
