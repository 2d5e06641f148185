package io.upshift.kubernetes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.upshift.version.EnvValue;
import io.upshift.version.ServiceSpec;

/**
 * What a service step sets on a workload beyond its image: the container's {@code env},
 * {@code resources} (quantities as written) and {@code args}, the workload's {@code replicas}, and the
 * data of the ConfigMaps it uses. A null field is not managed (left as the cluster has it); a
 * ConfigMap whose data is null did not exist (a rollback deletes it). An upgrade's record keeps the
 * target and the spec captured before the change (the same fields), so a rollback puts back the
 * whole previous spec, field by field.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkloadSpec(List<EnvVar> env, Map<String, Map<String, String>> resources, List<String> args,
        Integer replicas, Map<String, Map<String, String>> configMaps,
        // a Deployment's strategy as captured before the change: its rollback puts it back (a forward rolling step
        // sets Upshift's max-surge/max-unavailable); null: not managed
        DeploymentStrategy strategy) {

    public WorkloadSpec(List<EnvVar> env, Map<String, Map<String, String>> resources, List<String> args,
            Integer replicas, Map<String, Map<String, String>> configMaps) {
        this(env, resources, args, replicas, configMaps, null);
    }

    public WorkloadSpec {
        env = env == null ? null : List.copyOf(env);
        args = args == null ? null : List.copyOf(args);
        resources = resources == null ? null : sorted(resources);
        configMaps = configMaps == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(configMaps));
    }

    /** The release fields of a service, or null when it names only its image. */
    public static WorkloadSpec of(ServiceSpec s) {
        if (s.env() == null && s.resources() == null && s.args() == null && s.replicas() == null
                && s.configMaps() == null) {
            return null;
        }
        Map<String, Map<String, String>> resources = null;
        if (s.resources() != null) {
            resources = new TreeMap<>();
            if (s.resources().requests() != null) {
                resources.put("requests", s.resources().requests());
            }
            if (s.resources().limits() != null) {
                resources.put("limits", s.resources().limits());
            }
        }
        return new WorkloadSpec(s.env() == null ? null : envVars(s.env()), resources, s.args(), s.replicas(),
                s.configMaps());
    }

    public static List<EnvVar> envVars(Map<String, EnvValue> env) {
        List<EnvVar> vars = new ArrayList<>();
        env.forEach((name, v) -> {
            EnvVarBuilder b = new EnvVarBuilder().withName(name);
            if (v.configMapKeyRef() != null) {
                b.withNewValueFrom().withNewConfigMapKeyRef(v.configMapKeyRef().key(), v.configMapKeyRef().name(), null)
                        .endValueFrom();
            } else if (v.secretKeyRef() != null) {
                b.withNewValueFrom().withNewSecretKeyRef(v.secretKeyRef().key(), v.secretKeyRef().name(), null)
                        .endValueFrom();
            } else {
                b.withValue(v.value());
            }
            vars.add(b.build());
        });
        return vars;
    }

    /**
     * The same fields as {@code target}, as {@code d}'s container and the ConfigMaps ({@code name →
     * ConfigMap}, null when absent) have them now, and {@code d}'s strategy (a Deployment's; null for a
     * StatefulSet's view, whose own updateStrategy no step changes): what a rollback puts back.
     */
    public static WorkloadSpec capture(WorkloadSpec target, Deployment d, Container c, Map<String, ConfigMap> configMaps) {
        DeploymentStrategy strategy = d.getSpec().getStrategy();
        if (target == null) {
            return strategy == null ? null : new WorkloadSpec(null, null, null, null, null, strategy);
        }
        Map<String, Map<String, String>> data = configMapData(target, configMaps);
        return new WorkloadSpec(target.env() == null ? null : c.getEnv() == null ? List.of() : c.getEnv(),
                target.resources() == null ? null : resources(c.getResources()),
                target.args() == null ? null : c.getArgs() == null ? List.of() : c.getArgs(),
                target.replicas() == null ? null : DeploymentRules.desiredReplicas(d), data, strategy);
    }

    /** This spec without the captured strategy: what a version config can say (diffs, "changes nothing"). */
    public WorkloadSpec withoutStrategy() {
        return strategy == null ? this : new WorkloadSpec(env, resources, args, replicas, configMaps);
    }

    /** Null when the spec manages nothing but the strategy (an image-only service's capture). */
    public static WorkloadSpec released(WorkloadSpec spec) {
        WorkloadSpec without = spec == null ? null : spec.withoutStrategy();
        return without == null || without.equals(new WorkloadSpec(null, null, null, null, null)) ? null : without;
    }

    /** The data of the ConfigMaps {@code target} sets, as {@code configMaps} has them (null: absent; null when it sets none). */
    public static Map<String, Map<String, String>> configMapData(WorkloadSpec target, Map<String, ConfigMap> configMaps) {
        if (target.configMaps() == null) {
            return null;
        }
        Map<String, Map<String, String>> data = new LinkedHashMap<>();
        for (String name : target.configMaps().keySet()) {
            ConfigMap cm = configMaps.get(name);
            data.put(name, cm == null ? null : cm.getData() == null ? Map.of() : cm.getData());
        }
        return data;
    }

    /** A container's requests and limits as text, {@code {limits: {cpu: 2}, requests: {...}}}. */
    public static Map<String, Map<String, String>> resources(ResourceRequirements r) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        if (r != null && r.getRequests() != null && !r.getRequests().isEmpty()) {
            out.put("requests", text(r.getRequests()));
        }
        if (r != null && r.getLimits() != null && !r.getLimits().isEmpty()) {
            out.put("limits", text(r.getLimits()));
        }
        return out;
    }

    /** True when the container (and workload) already have every field this spec manages. */
    public boolean matches(Deployment d, Container c) {
        return (env == null || Objects.equals(env, c.getEnv() == null ? List.of() : c.getEnv()))
                && (resources == null || sameQuantities(resources, resources(c.getResources())))
                && (args == null || Objects.equals(args, c.getArgs() == null ? List.of() : c.getArgs()))
                && (replicas == null || replicas == DeploymentRules.desiredReplicas(d))
                && (strategy == null || strategy.equals(d.getSpec().getStrategy()));
    }

    /** True when the ConfigMap has this spec's data (or is absent, as it should be). */
    public static boolean sameData(Map<String, String> wanted, ConfigMap cm) {
        if (wanted == null) {
            return cm == null;
        }
        return cm != null && wanted.equals(cm.getData() == null ? Map.of() : cm.getData());
    }

    @JsonIgnore
    public ResourceRequirements resourceRequirements() {
        ResourceRequirements r = new ResourceRequirements();
        if (resources != null) {
            r.setRequests(quantities(resources.get("requests")));
            r.setLimits(quantities(resources.get("limits")));
        }
        return r;
    }

    private static Map<String, Quantity> quantities(Map<String, String> text) {
        if (text == null) {
            return null;
        }
        Map<String, Quantity> q = new TreeMap<>();
        text.forEach((k, v) -> q.put(k, new Quantity(v)));
        return q;
    }

    private static Map<String, String> text(Map<String, Quantity> q) {
        Map<String, String> out = new TreeMap<>();
        q.forEach((k, v) -> out.put(k, v.toString()));
        return out;
    }

    /** 1Gi and 1024Mi are the same request. */
    private static boolean sameQuantities(Map<String, Map<String, String>> a, Map<String, Map<String, String>> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (var list : a.entrySet()) {
            Map<String, String> other = b.get(list.getKey());
            if (!list.getValue().keySet().equals(other.keySet())) {
                return false;
            }
            for (var q : list.getValue().entrySet()) {
                if (Quantity.getAmountInBytes(new Quantity(q.getValue()))
                        .compareTo(Quantity.getAmountInBytes(new Quantity(other.get(q.getKey())))) != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Map<String, Map<String, String>> sorted(Map<String, Map<String, String>> m) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v == null ? null : java.util.Collections.unmodifiableMap(new TreeMap<>(v))));
        return java.util.Collections.unmodifiableMap(out);
    }
}
