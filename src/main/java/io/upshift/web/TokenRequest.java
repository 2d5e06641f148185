package io.upshift.web;

/**
 * The body of {@code POST /api/tokens}: a name (unique, used to revoke it), the role it acts with
 * ({@code viewer} or {@code operator}, at most its creator's; default {@code viewer}) and how many
 * days it stays valid (default {@code upshift.auth.tokens.default-expiry-days}).
 */
public record TokenRequest(String name, String role, Integer expiresInDays) {
}
