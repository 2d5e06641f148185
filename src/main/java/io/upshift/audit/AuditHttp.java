package io.upshift.audit;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import io.upshift.RejectedException;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;

/** {@code GET /api/audit} (bean {@code auditHttp}): operators only, a page at a time, newest first. */
public class AuditHttp {

    static final int DEFAULT_PAGE_SIZE = 50;

    private final AuditLog log;

    public AuditHttp(AuditLog log) {
        this.log = log;
    }

    /**
     * One page of the trail, newest first. {@code caller}: the authenticated Vert.x user of the
     * request; {@code page} and {@code size} as {@link io.upshift.web.Paging} checked them (null: the first page, 50 rows).
     */
    public List<AuditEntry> page(Object caller, String since, String user, String action, Integer page, Integer size) {
        if (!(caller instanceof User u) || !RoleBasedAuthorization.create("operator").match(u)) {
            throw new RejectedException(RejectedException.Code.FORBIDDEN, "forbidden",
                    List.of("the audit trail is for operators"));
        }
        int limit = size == null ? DEFAULT_PAGE_SIZE : size;
        int from = page == null ? 0 : (page - 1) * limit;
        return log.list(instant(since), user, action, from, limit);
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
