package io.upshift.kubernetes;

import java.util.List;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;

/** Pure rules about Deployments, shared by the rollouts and the sandbox controller. */
public final class DeploymentRules {

    public static final String PROGRESS_DEADLINE_EXCEEDED = "ProgressDeadlineExceeded";
    /** Kubernetes' default when a Deployment does not set {@code progressDeadlineSeconds}. */
    public static final int DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

    private DeploymentRules() {
    }

    public static int desiredReplicas(Deployment d) {
        Integer r = d.getSpec().getReplicas();
        return r == null ? 1 : r;
    }

    public static long generation(Deployment d) {
        Long g = d.getMetadata().getGeneration();
        return g == null ? 0 : g;
    }

    public static boolean observed(Deployment d, long generation) {
        DeploymentStatus s = d.getStatus();
        return s != null && s.getObservedGeneration() != null && s.getObservedGeneration() >= generation;
    }

    private static int n(Integer i) {
        return i == null ? 0 : i;
    }

    public static int available(Deployment d) {
        return d.getStatus() == null ? 0 : n(d.getStatus().getAvailableReplicas());
    }

    /** Rolled out as {@code kubectl rollout status} judges it. */
    public static boolean rolledOut(Deployment d) {
        if (!observed(d, generation(d))) {
            return false;
        }
        DeploymentStatus s = d.getStatus();
        int desired = desiredReplicas(d);
        return n(s.getUpdatedReplicas()) == desired && n(s.getReplicas()) == desired
                && n(s.getReadyReplicas()) == desired && n(s.getAvailableReplicas()) == desired
                && n(s.getUnavailableReplicas()) == 0;
    }

    /** Scaled to zero and no replica left. */
    public static boolean scaledDown(Deployment d) {
        return desiredReplicas(d) == 0 && observed(d, generation(d)) && n(d.getStatus().getReplicas()) == 0;
    }

    /** e.g. {@code 2/3 updated, 3 available}. */
    public static String progress(Deployment d) {
        DeploymentStatus s = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
        return n(s.getUpdatedReplicas()) + "/" + desiredReplicas(d) + " updated, " + n(s.getAvailableReplicas())
                + " available";
    }

    public static Optional<DeploymentCondition> condition(Deployment d, String type) {
        List<DeploymentCondition> conditions = d.getStatus() == null ? null : d.getStatus().getConditions();
        return conditions == null ? Optional.empty()
                : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    public static boolean deadlineExceeded(Deployment d) {
        return condition(d, "Progressing").map(c -> PROGRESS_DEADLINE_EXCEEDED.equals(c.getReason())).orElse(false);
    }

    public static int progressDeadlineSeconds(Deployment d) {
        Integer s = d.getSpec().getProgressDeadlineSeconds();
        return s == null ? DEFAULT_PROGRESS_DEADLINE_SECONDS : s;
    }

    /** An int-or-percent strategy value against the desired replicas, rounded as Kubernetes does. */
    public static int resolve(IntOrString value, int desired, boolean roundUp, String fallback) {
        IntOrString v = value == null ? new IntOrString(fallback) : value;
        if (v.getIntVal() != null) {
            return v.getIntVal();
        }
        String text = v.getStrVal();
        if (text.endsWith("%")) {
            double percent = Double.parseDouble(text.substring(0, text.length() - 1));
            double exact = desired * percent / 100.0;
            return (int) (roundUp ? Math.ceil(exact) : Math.floor(exact));
        }
        return Integer.parseInt(text);
    }

    /** A setting such as {@code 0}, {@code 1} or {@code 25%} as the value Kubernetes expects. */
    public static IntOrString intOrPercent(String setting) {
        String t = setting.trim();
        return t.matches("\\d+") ? new IntOrString(Integer.parseInt(t)) : new IntOrString(t);
    }

    /**
     * Which container of the Deployment a service step changes: the one named {@code container},
     * else the one named like the service, else the only one.
     */
    public static int containerIndex(Deployment d, String container, String service) {
        List<Container> containers = d.getSpec().getTemplate().getSpec().getContainers();
        String wanted = container != null ? container : service;
        for (int i = 0; i < containers.size(); i++) {
            if (wanted.equals(containers.get(i).getName())) {
                return i;
            }
        }
        if (container == null && containers.size() == 1) {
            return 0;
        }
        throw new ContainerNotFoundException(d.getMetadata().getNamespace(), d.getMetadata().getName(), wanted,
                containers.stream().map(Container::getName).toList());
    }

    /** The step's container (see {@link #containerIndex}). */
    public static Container container(Deployment d, String container, String service) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(containerIndex(d, container, service));
    }

    /** The image of the step's container (see {@link #containerIndex}). */
    public static String image(Deployment d, String container, String service) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(containerIndex(d, container, service)).getImage();
    }
}
