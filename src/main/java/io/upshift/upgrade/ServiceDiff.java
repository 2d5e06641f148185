package io.upshift.upgrade;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.upshift.kubernetes.WorkloadSpec;

/**
 * What an upgrade changes on one service, for people: its image, env keys added / changed / removed
 * (a literal's value, a ConfigMap's or Secret's key reference; the value behind a Secret is never
 * read, so never shown), resources, replicas, args, ConfigMap keys, whether it is created, retired or
 * deleted, and the jobs that run before it. Null or empty fields did not change.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ServiceDiff(String name, Change change, Text image, EnvDiff env, ResourcesChange resources,
        Count replicas, Texts args, Map<String, KeysDiff> configMaps, List<String> jobsBefore) {

    /** What happens to the service as a whole. */
    public enum Change {
        CHANGED, UNCHANGED, CREATED, RETIRED, DELETED
    }

    // a field's value before and after; one record per type, as the OpenAPI document names each schema

    /** An image or an env value before and after. */
    public record Text(String from, String to) {
    }

    /** Replicas before and after. */
    public record Count(Integer from, Integer to) {
    }

    /** Args before and after. */
    public record Texts(List<String> from, List<String> to) {
    }

    /** Requests and limits before and after. */
    public record ResourcesChange(Map<String, Map<String, String>> from, Map<String, Map<String, String>> to) {
    }

    /** Env vars by name; values as {@link #shown}. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record EnvDiff(Map<String, String> added, Map<String, Text> changed, List<String> removed) {

        @com.fasterxml.jackson.annotation.JsonIgnore
        public boolean isEmpty() {
            return added.isEmpty() && changed.isEmpty() && removed.isEmpty();
        }
    }

    /** ConfigMap keys (values are not repeated here: they can be long). */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record KeysDiff(List<String> added, List<String> changed, List<String> removed) {
    }

    /**
     * The diff of one service from {@code from} (image and spec as it runs, null for a new service) to
     * {@code to} (null for a retired one). A spec field the target does not manage is not compared.
     */
    public static ServiceDiff of(String name, String fromImage, WorkloadSpec from, String toImage, WorkloadSpec to,
            boolean retired, boolean prune, List<String> jobsBefore) {
        if (retired) {
            return new ServiceDiff(name, prune ? Change.DELETED : Change.RETIRED, null, null, null, null, null, null,
                    List.of());
        }
        boolean created = fromImage == null;
        WorkloadSpec was = from == null ? new WorkloadSpec(null, null, null, null, null) : from;
        WorkloadSpec will = to == null ? new WorkloadSpec(null, null, null, null, null) : to;
        Text image = Objects.equals(fromImage, toImage) ? null : new Text(fromImage, toImage);
        EnvDiff env = will.env() == null ? null : env(was.env() == null ? List.of() : was.env(), will.env());
        ResourcesChange resources = changes(was.resources(), will.resources())
                ? new ResourcesChange(was.resources(), will.resources()) : null;
        Count replicas = changes(was.replicas(), will.replicas()) ? new Count(was.replicas(), will.replicas()) : null;
        Texts args = changes(was.args(), will.args()) ? new Texts(was.args(), will.args()) : null;
        Map<String, KeysDiff> configMaps = new LinkedHashMap<>();
        if (will.configMaps() != null) {
            will.configMaps().forEach((cm, data) -> {
                Map<String, String> before = was.configMaps() == null ? null : was.configMaps().get(cm);
                KeysDiff keys = keys(before == null ? Map.of() : before, data == null ? Map.of() : data);
                if (!keys.added().isEmpty() || !keys.changed().isEmpty() || !keys.removed().isEmpty()) {
                    configMaps.put(cm, keys);
                }
            });
        }
        boolean any = image != null || (env != null && !env.isEmpty()) || resources != null || replicas != null
                || args != null || !configMaps.isEmpty();
        Change change = created ? Change.CREATED : any ? Change.CHANGED : Change.UNCHANGED;
        return new ServiceDiff(name, change, image, env != null && env.isEmpty() ? null : env, resources, replicas,
                args, configMaps, jobsBefore == null ? List.of() : List.copyOf(jobsBefore));
    }

    /** A literal's value, else where it comes from: {@code configMap app-config/features}, {@code secret db/password}. */
    public static String shown(EnvVar v) {
        if (v.getValueFrom() == null) {
            return v.getValue() == null ? "" : v.getValue();
        }
        if (v.getValueFrom().getSecretKeyRef() != null) {
            return "secret " + v.getValueFrom().getSecretKeyRef().getName() + "/" + v.getValueFrom().getSecretKeyRef().getKey();
        }
        if (v.getValueFrom().getConfigMapKeyRef() != null) {
            return "configMap " + v.getValueFrom().getConfigMapKeyRef().getName() + "/"
                    + v.getValueFrom().getConfigMapKeyRef().getKey();
        }
        return "(from the cluster: " + (v.getValueFrom().getFieldRef() != null ? "field" : "resource") + ")";
    }

    private static EnvDiff env(List<EnvVar> before, List<EnvVar> after) {
        Map<String, EnvVar> was = new LinkedHashMap<>();
        before.forEach(v -> was.put(v.getName(), v));
        Map<String, String> added = new LinkedHashMap<>();
        Map<String, Text> changed = new LinkedHashMap<>();
        for (EnvVar v : after) {
            EnvVar old = was.remove(v.getName());
            if (old == null) {
                added.put(v.getName(), shown(v));
            } else if (!old.equals(v)) {
                changed.put(v.getName(), new Text(shown(old), shown(v)));
            }
        }
        return new EnvDiff(added, changed, new ArrayList<>(was.keySet()));
    }

    private static KeysDiff keys(Map<String, String> before, Map<String, String> after) {
        Set<String> removed = new TreeSet<>(before.keySet());
        removed.removeAll(after.keySet());
        List<String> added = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        after.forEach((k, v) -> {
            if (!before.containsKey(k)) {
                added.add(k);
            } else if (!before.get(k).equals(v)) {
                changed.add(k);
            }
        });
        return new KeysDiff(added, changed, new ArrayList<>(removed));
    }

    /** False when the target does not manage the field, or it does not change. */
    private static boolean changes(Object from, Object to) {
        return to != null && !to.equals(from);
    }
}
