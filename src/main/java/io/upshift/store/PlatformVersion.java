package io.upshift.store;

import java.time.Clock;

/** The version the platform runs: {@code upshift.platform.current-version} until an upgrade succeeds (or is marked so). */
public class PlatformVersion {

    private static final String PLATFORM = "platform";

    private final Jdbc jdbc;
    private final Clock clock;
    private final String initialVersion;

    public PlatformVersion(Jdbc jdbc, Clock clock, String initialVersion) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.initialVersion = initialVersion;
    }

    public String current() {
        return jdbc.one("SELECT current_version FROM platform_state WHERE id = ?", row -> row.getString(1), PLATFORM)
                .orElse(initialVersion);
    }

    public void set(String version) {
        jdbc.inTransaction(tx -> {
            if (tx.update("UPDATE platform_state SET current_version = ?, updated_at = ? WHERE id = ?", version,
                    clock.instant(), PLATFORM) == 0) {
                tx.update("INSERT INTO platform_state (id, current_version, updated_at) VALUES (?, ?, ?)", PLATFORM,
                        version, clock.instant());
            }
            return null;
        });
    }
}
