package io.upshift.web;

import java.time.Instant;

/** The answer to {@code POST /api/tokens}: the only time the token itself is shown. */
public record CreatedToken(String name, String role, String owner, Instant createdAt, Instant expiresAt,
        String token) {
}
