package io.upshift.audit;

import java.time.Instant;

/**
 * One row of the audit trail: who ({@code user}, {@code role}), when, from which address, what
 * ({@code action}, e.g. {@code upgrade.stop}) on which object, and the outcome: {@code ACCEPTED} or
 * the refusal's code ({@code ACTION_NOT_ALLOWED}, {@code UNAUTHORIZED} for a failed login).
 */
public record AuditEntry(long id, Instant at, String user, String role, String address, String action, String object,
        String outcome, Integer status) {

    public static final String ACCEPTED = "ACCEPTED";
}
