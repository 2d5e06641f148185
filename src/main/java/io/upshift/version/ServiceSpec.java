package io.upshift.version;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One service of a platform version: which image it runs and which services must be upgraded
 * before it. {@code deployment}, {@code namespace} and {@code container} are optional and default
 * to the service name, the platform namespace and the workload's only (or same-named) container.
 * <p>
 * The release fields (docs/version-config.md: Releases) say what else the service's workload looks
 * like; each absent one is left as the cluster has it, each present one is the whole of it:
 * {@code kind} (Deployment when absent), {@code env}, {@code resources}, {@code replicas},
 * {@code args}, {@code configMaps} (name → data), {@code template} (to create a new service),
 * {@code volumeClaimTemplates} (StatefulSets) and {@code jobs} (run before the service changes).
 * {@code verify} (checks after the upgrade) and {@code probe} (availability measured during it)
 * are optional.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceSpec(String name, String image, List<String> dependsOn, String deployment, String namespace,
        String container,
        // release fields (issue 13)
        WorkloadKind kind, Map<String, EnvValue> env, Resources resources, Integer replicas, List<String> args,
        Map<String, Map<String, String>> configMaps, ServiceTemplate template, List<VolumeClaim> volumeClaimTemplates,
        Jobs jobs,
        // verification and availability (issue 12)
        VerifySpec verify, ProbeSpec probe) {

    public ServiceSpec {
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
        env = Ordered.copy(env);
        args = args == null ? null : List.copyOf(args);
        configMaps = Ordered.copy(configMaps);
        volumeClaimTemplates = volumeClaimTemplates == null ? null : List.copyOf(volumeClaimTemplates);
    }

    /** A service that only names its image (no release fields). */
    public ServiceSpec(String name, String image, List<String> dependsOn, String deployment, String namespace,
            String container) {
        this(name, image, dependsOn, deployment, namespace, container, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    @JsonIgnore
    public String deploymentName() {
        return deployment == null ? name : deployment;
    }

    @JsonIgnore
    public String namespaceOr(String defaultNamespace) {
        return namespace == null ? defaultNamespace : namespace;
    }

    @JsonIgnore
    public WorkloadKind workloadKind() {
        return kind == null ? WorkloadKind.DEPLOYMENT : kind;
    }

    @JsonIgnore
    public List<JobSpec> jobsBefore() {
        return jobs == null ? List.of() : jobs.before();
    }
}
