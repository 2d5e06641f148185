package io.upshift.version;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One service of a platform version: which image it runs and which services must be upgraded
 * before it. {@code deployment}, {@code namespace} and {@code container} are optional and default
 * to the service name, the platform namespace and the Deployment's only (or same-named) container.
 * {@code verify} (checks after the upgrade) and {@code probe} (availability measured during it)
 * are optional.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceSpec(String name, String image, List<String> dependsOn, String deployment, String namespace,
        String container, VerifySpec verify, ProbeSpec probe) {

    public ServiceSpec {
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    }

    public ServiceSpec(String name, String image, List<String> dependsOn, String deployment, String namespace,
            String container) {
        this(name, image, dependsOn, deployment, namespace, container, null, null);
    }

    @JsonIgnore
    public String deploymentName() {
        return deployment == null ? name : deployment;
    }

    @JsonIgnore
    public String namespaceOr(String defaultNamespace) {
        return namespace == null ? defaultNamespace : namespace;
    }
}
