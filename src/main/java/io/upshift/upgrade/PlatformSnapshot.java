package io.upshift.upgrade;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.upshift.kubernetes.ApiRetry;
import io.upshift.kubernetes.DeploymentRules;
import io.upshift.kubernetes.WorkloadSpec;
import io.upshift.store.PlatformVersion;
import io.upshift.version.EnvValue;
import io.upshift.version.Resources;
import io.upshift.version.ServiceSpec;
import io.upshift.version.VersionConfig;
import io.upshift.version.VersionStore;

/**
 * Bean {@code platformSnapshot}: the version config of what the cluster runs now, to start a release
 * from. The services are those of the running version's stored config (their names, dependencies
 * and where they run), else every Deployment of the platform namespace; each with its container's
 * image, env, resources and args and the workload's replicas as the cluster has them. Env values
 * taken from a field or resource of the Pod have no place in a version config and are left out.
 */
public class PlatformSnapshot {

    private final KubernetesClient client;
    private final PlatformVersion platform;
    private final VersionStore versions;
    private final String defaultNamespace;
    private final ApiRetry retry;

    public PlatformSnapshot(KubernetesClient client, PlatformVersion platform, VersionStore versions,
            String defaultNamespace, ApiRetry retry) {
        this.retry = retry;
        this.client = client;
        this.platform = platform;
        this.versions = versions;
        this.defaultNamespace = defaultNamespace;
    }

    public VersionConfig snapshot() {
        String current = platform.current();
        List<ServiceSpec> known = versions.find(current).map(VersionConfig::services).orElse(null);
        List<ServiceSpec> services = new ArrayList<>();
        if (known == null) {
            for (Deployment d : retry.get("snapshot: list Deployments in " + defaultNamespace,
                    () -> client.apps().deployments().inNamespace(defaultNamespace).list().getItems())) {
                String name = d.getMetadata().getName();
                services.add(observed(new ServiceSpec(name, null, List.of(), null, null, null), d));
            }
        } else {
            for (ServiceSpec s : known) {
                String ns = s.namespaceOr(defaultNamespace);
                Deployment d = retry.get("snapshot: read Deployment " + ns + "/" + s.deploymentName(),
                        () -> client.apps().deployments().inNamespace(ns).withName(s.deploymentName()).get());
                if (d != null) {
                    services.add(observed(s, d));
                }
            }
        }
        return new VersionConfig(current, services, null, "snapshot of what the cluster runs");
    }

    private static ServiceSpec observed(ServiceSpec s, Deployment d) {
        Container c = DeploymentRules.container(d, s.container(), s.name());
        Map<String, EnvValue> env = new LinkedHashMap<>();
        for (EnvVar v : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
            if (v.getValueFrom() == null) {
                env.put(v.getName(), EnvValue.literal(v.getValue() == null ? "" : v.getValue()));
            } else if (v.getValueFrom().getSecretKeyRef() != null) {
                env.put(v.getName(), new EnvValue(null, null, new EnvValue.KeyRef(
                        v.getValueFrom().getSecretKeyRef().getName(), v.getValueFrom().getSecretKeyRef().getKey())));
            } else if (v.getValueFrom().getConfigMapKeyRef() != null) {
                env.put(v.getName(), new EnvValue(null, new EnvValue.KeyRef(
                        v.getValueFrom().getConfigMapKeyRef().getName(), v.getValueFrom().getConfigMapKeyRef().getKey()),
                        null));
            }
        }
        Map<String, Map<String, String>> r = WorkloadSpec.resources(c.getResources());
        Resources resources = r.isEmpty() ? null : new Resources(r.get("requests"), r.get("limits"));
        return new ServiceSpec(s.name(), c.getImage(), s.dependsOn(), s.deployment(), s.namespace(), s.container(),
                s.kind(), env.isEmpty() ? null : env, resources, DeploymentRules.desiredReplicas(d),
                c.getArgs() == null || c.getArgs().isEmpty() ? null : c.getArgs(), null, null, s.volumeClaimTemplates(),
                null, null, null);
    }
}
