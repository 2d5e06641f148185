package io.upshift.kubernetes;

import io.upshift.version.WorkloadKind;

/**
 * One service's change in an upgrade: which Deployment (and container) gets which image, and how.
 * {@code container} may be null: then the container named like the service, else the only one.
 * {@code spec} is what else the step sets (env, resources, args, replicas, ConfigMaps), in the same
 * guarded change as the image; null: the image only. {@code change}: the service is created from its
 * template, retired, or (rollback) removed or brought back; null: changed in place. {@code kind}: the
 * workload ({@code deployment} names a StatefulSet when it is {@code STATEFUL_SET}); null: a Deployment.
 * {@code recordedImage} is the image the upgrade record holds from before the upgrade: a forward step
 * finds the container at it or at the step's own image, and anything else is someone else's edit
 * (issue 19); null: not judged (a step going back, a service created).
 */
public record ServiceStep(String upgradeId, String targetVersion, String service, String namespace, String deployment,
        String container, String image, StepAction action, WorkloadSpec spec, ServiceChange change, WorkloadKind kind,
        String recordedImage) {

    public ServiceStep {
        kind = kind == null ? WorkloadKind.DEPLOYMENT : kind;
    }

    public ServiceStep(String upgradeId, String targetVersion, String service, String namespace, String deployment,
            String container, String image, StepAction action, WorkloadSpec spec, ServiceChange change) {
        this(upgradeId, targetVersion, service, namespace, deployment, container, image, action, spec, change, null, null);
    }

    public ServiceStep(String upgradeId, String targetVersion, String service, String namespace, String deployment,
            String container, String image, StepAction action) {
        this(upgradeId, targetVersion, service, namespace, deployment, container, image, action, null, null);
    }

    public ServiceStep(String upgradeId, String targetVersion, String service, String namespace, String deployment,
            String container, String image, StepAction action, WorkloadSpec spec) {
        this(upgradeId, targetVersion, service, namespace, deployment, container, image, action, spec, null);
    }
}
