package io.upshift.upgrade;

import io.upshift.version.VersionStore;

/** Bean {@code versionDiffs}: the diff between two stored versions (404 naming the one not imported). */
public class VersionDiffs {

    private final VersionStore versions;

    public VersionDiffs(VersionStore versions) {
        this.versions = versions;
    }

    public VersionDiff between(String from, String to) {
        return VersionDiff.between(versions.get(from), versions.get(to));
    }
}
