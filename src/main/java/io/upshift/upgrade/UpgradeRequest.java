package io.upshift.upgrade;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A request to upgrade the platform, from HTTP ({@code POST /api/upgrades}), an inbox file with
 * {@code kind: UpgradeRequest}, or a scheduled window. {@code mode} null means zero-downtime;
 * {@code windowEndsAt} is set by a scheduled window: no service of a downtime upgrade starts after it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpgradeRequest(String targetVersion, UpgradeMode mode, Boolean acceptRisk, String requestedBy,
        Boolean allowDowngrade, Instant windowEndsAt) {

    public boolean riskAccepted() {
        return Boolean.TRUE.equals(acceptRisk);
    }

    public boolean downgradeAllowed() {
        return Boolean.TRUE.equals(allowDowngrade);
    }
}
