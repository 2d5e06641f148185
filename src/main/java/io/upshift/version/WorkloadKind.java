package io.upshift.version;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The Kubernetes workload that runs a service. */
public enum WorkloadKind {
    @JsonProperty("Deployment")
    DEPLOYMENT,
    /** Rolled one pod at a time, highest ordinal first, as the StatefulSet controller does. */
    @JsonProperty("StatefulSet")
    STATEFUL_SET;

    public String kubernetesName() {
        return this == DEPLOYMENT ? "Deployment" : "StatefulSet";
    }
}
