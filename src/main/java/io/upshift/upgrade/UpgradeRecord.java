package io.upshift.upgrade;

import java.time.Instant;
import java.util.List;

/**
 * The Upgrade Record of one upgrade, as the API shows it. {@code trigger} is {@code http},
 * {@code inbox} or {@code schedule}; {@code overran} is true when a scheduled upgrade was still
 * running after its window closed.
 */
public record UpgradeRecord(String id, String fromVersion, String targetVersion, UpgradeMode requestedMode,
        UpgradeMode mode, String modeReason, UpgradeState state, String trigger, String requestedBy,
        Instant createdAt, Instant startedAt, Instant finishedAt, Progress progress, List<ServiceProgress> services,
        String message, Instant windowEndsAt, boolean overran) {

    public UpgradeRecord {
        services = services == null ? List.of() : List.copyOf(services);
    }
}
