package io.upshift.upgrade;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * What an upgrade will do, decided before anything changes (and answered as is to a dry run):
 * the effective mode and why, and the services in dependency order with their images.
 */
public record UpgradePlan(String fromVersion, String targetVersion, UpgradeMode requestedMode, UpgradeMode mode,
        String modeReason, List<PlannedService> services, @JsonIgnore UpgradeRequest request) {

    public UpgradePlan {
        services = List.copyOf(services);
    }

    public UpgradePlan withMode(Verdict verdict) {
        return new UpgradePlan(fromVersion, targetVersion, requestedMode, verdict.mode(), verdict.reason(), services,
                request);
    }

    /** One service of the plan: the Deployment and container it changes, from which image to which. */
    public record PlannedService(String name, String namespace, String deployment, String container,
            List<String> dependsOn, String fromImage, String toImage, int replicas, boolean alreadyAtTarget) {
    }
}
