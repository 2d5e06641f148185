package io.upshift;

import java.util.List;

/**
 * The shape of every refusal the API answers (4xx and 500): {@code error} is the code callers
 * match on, {@code reasons} says everything that was wrong. Some refusals add fields (e.g.
 * {@code upgrade}: the running upgrade's id). Written by {@link RejectedException#body()} and the
 * access layer; this record is its description in /api/openapi.json and how clients read it.
 */
public record ErrorBody(String error, List<String> reasons) {
}
