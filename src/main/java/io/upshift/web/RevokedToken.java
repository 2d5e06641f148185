package io.upshift.web;

/** The answer to {@code DELETE /api/tokens/{name}}. */
public record RevokedToken(String name, boolean revoked) {
}
