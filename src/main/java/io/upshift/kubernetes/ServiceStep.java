package io.upshift.kubernetes;

/**
 * One service's change in an upgrade: which Deployment (and container) gets which image, and how.
 * {@code container} may be null: then the container named like the service, else the only one.
 */
public record ServiceStep(String upgradeId, String targetVersion, String service, String namespace, String deployment,
        String container, String image, StepAction action) {
}
