package io.upshift.lifecycle;

/** The optional body of {@code POST /api/upgrades/{id}/<action>}: a note, and for mark its verdict. */
public record ActionBody(String note, String verdict) {
}
