package io.upshift.upgrade;

/** What {@code GET /api/platform} shows: the version the platform runs and the upgrade holding the lock. */
public record PlatformStatus(String currentVersion, String upgradeInProgress) {
}
