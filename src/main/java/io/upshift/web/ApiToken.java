package io.upshift.web;

import java.time.Instant;

/**
 * An API token as {@code GET /api/tokens} lists it: never the token itself (only its SHA-256 is
 * stored). {@code role} is {@code viewer} or {@code operator}; {@code lastUsedAt} is null until the
 * token is first used, and accurate to {@code upshift.auth.tokens.last-used-resolution}.
 */
public record ApiToken(String name, String role, String owner, Instant createdAt, Instant expiresAt,
        Instant lastUsedAt) {
}
