package io.upshift.kubernetes;

import java.util.Objects;

import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetUpdateStrategy;

/**
 * Pure rules about StatefulSets, shared by the rollouts and the sandbox's StatefulSet controller:
 * rolled out as {@code kubectl rollout status statefulset/x} judges it, and the Deployment-shaped
 * view through which the read side (plan, pre-checks, record) sees a StatefulSet.
 */
public final class StatefulSetRules {

    /** The label the StatefulSet controller puts on each pod: the revision the pod runs. */
    public static final String REVISION_LABEL = "controller-revision-hash";
    /** The label naming the pod ({@code <statefulset>-<ordinal>}). */
    public static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";

    private StatefulSetRules() {
    }

    public static int desiredReplicas(StatefulSet s) {
        Integer r = s.getSpec().getReplicas();
        return r == null ? 1 : r;
    }

    public static long generation(StatefulSet s) {
        Long g = s.getMetadata().getGeneration();
        return g == null ? 0 : g;
    }

    /** The ordinals below it keep their revision ({@code spec.updateStrategy.rollingUpdate.partition}, 0 when unset). */
    public static int partition(StatefulSet s) {
        StatefulSetUpdateStrategy u = s.getSpec().getUpdateStrategy();
        Integer p = u == null || u.getRollingUpdate() == null ? null : u.getRollingUpdate().getPartition();
        return p == null ? 0 : Math.max(0, p);
    }

    /** {@code OnDelete}: the controller replaces no pod on its own. */
    public static boolean onDelete(StatefulSet s) {
        StatefulSetUpdateStrategy u = s.getSpec().getUpdateStrategy();
        return u != null && "OnDelete".equals(u.getType());
    }

    public static boolean observed(StatefulSet s, long generation) {
        StatefulSetStatus st = s.getStatus();
        return st != null && st.getObservedGeneration() != null && st.getObservedGeneration() >= generation;
    }

    /**
     * Rolled out as {@code kubectl rollout status} judges a StatefulSet: the controller observed the
     * generation, every replica is ready and the pods above the partition are updated; without a
     * partition also {@code currentRevision == updateRevision} (the controller moves the current
     * revision once every pod runs the update).
     */
    public static boolean rolledOut(StatefulSet s) {
        if (!observed(s, generation(s))) {
            return false;
        }
        StatefulSetStatus st = s.getStatus();
        int desired = desiredReplicas(s);
        int partition = Math.min(partition(s), desired);
        boolean updated = partition > 0 ? n(st.getUpdatedReplicas()) >= desired - partition
                : n(st.getUpdatedReplicas()) == desired && Objects.equals(st.getCurrentRevision(), st.getUpdateRevision());
        return updated && n(st.getReadyReplicas()) == desired && n(st.getReplicas()) == desired;
    }

    /** Scaled to zero and no pod left. */
    public static boolean scaledDown(StatefulSet s) {
        return desiredReplicas(s) == 0 && observed(s, generation(s)) && n(s.getStatus().getReplicas()) == 0;
    }

    /** e.g. {@code 2/3 updated, 2 ready, revision web-7f9c}. */
    public static String progress(StatefulSet s) {
        StatefulSetStatus st = s.getStatus() == null ? new StatefulSetStatus() : s.getStatus();
        return n(st.getUpdatedReplicas()) + "/" + desiredReplicas(s) + " updated, " + n(st.getReadyReplicas())
                + " ready, revision " + (st.getUpdateRevision() == null ? "unknown" : st.getUpdateRevision());
    }

    /**
     * The StatefulSet as a Deployment with the same metadata, replicas and pod template, and a status
     * that {@link DeploymentRules} reads as the StatefulSet's: rolled out exactly when
     * {@link #rolledOut} says so, available = ready pods. What the plan, the pre-checks, the record and
     * the waits read; what is written always goes to the StatefulSet itself. No progress deadline:
     * StatefulSets have none (the wait's bound is {@code upshift.rollout.stateful-set-progress-deadline}).
     */
    public static Deployment asDeployment(StatefulSet s, int progressDeadlineSeconds) {
        int desired = desiredReplicas(s);
        StatefulSetStatus st = s.getStatus() == null ? new StatefulSetStatus() : s.getStatus();
        DeploymentStatus status = new DeploymentStatus();
        status.setObservedGeneration(st.getObservedGeneration());
        status.setReplicas(st.getReplicas());
        status.setReadyReplicas(st.getReadyReplicas());
        status.setAvailableReplicas(st.getReadyReplicas());
        status.setUnavailableReplicas(Math.max(0, desired - n(st.getReadyReplicas())));
        // "updated" as the Deployment rules count it: all of them exactly when the StatefulSet rolled out
        status.setUpdatedReplicas(rolledOut(s) ? desired : Math.min(n(st.getUpdatedReplicas()), Math.max(0, desired - 1)));
        return new DeploymentBuilder().withMetadata(s.getMetadata()).withNewSpec().withReplicas(s.getSpec().getReplicas())
                .withSelector(s.getSpec().getSelector()).withTemplate(s.getSpec().getTemplate())
                .withProgressDeadlineSeconds(progressDeadlineSeconds).endSpec().withStatus(status).build();
    }

    private static int n(Integer i) {
        return i == null ? 0 : i;
    }
}
