package io.upshift.version;

import java.time.Instant;

/**
 * One line of the version list: where a config came from ({@code http} or {@code inbox:<file>}),
 * who sent it last ({@code uploadedBy}: the authenticated user of an HTTP upload; null for an inbox
 * file, and for imports made before uploaders were recorded) and when.
 */
public record VersionSummary(String version, int services, String source, Instant importedAt, Instant updatedAt,
        String uploadedBy) {
}
