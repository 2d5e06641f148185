package io.upshift.version;

import java.time.Instant;

/** One line of the version list: where a config came from ({@code http} or {@code inbox:<file>}) and when. */
public record VersionSummary(String version, int services, String source, Instant importedAt, Instant updatedAt) {
}
