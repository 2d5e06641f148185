package io.upshift.kubernetes;

import java.util.List;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A StatefulSet's pods that its controller will never replace on its own: not ready and at a
 * revision other than the update revision. With {@code OrderedReady} the controller waits for such a
 * pod to become ready before it touches it, so after a rollout to a template that never gets ready is
 * reverted, the broken pod stays until someone deletes it (Kubernetes documents this "forced rollback"
 * under StatefulSet rolling updates). A StatefulSet step deletes them once the controller observed its
 * change: the controller creates them again at the update revision.
 */
final class StatefulSetPods {

    private final KubernetesClient client;

    StatefulSetPods(KubernetesClient client) {
        this.client = client;
    }

    /** The pods of {@code s} stuck as described, by name; none until the controller observed the current generation. */
    static List<String> stuck(StatefulSet s, List<Pod> pods) {
        if (!StatefulSetRules.observed(s, StatefulSetRules.generation(s)) || s.getStatus().getUpdateRevision() == null) {
            return List.of();
        }
        String update = s.getStatus().getUpdateRevision();
        return pods.stream().filter(p -> !ready(p) && !update.equals(revision(p))).map(p -> p.getMetadata().getName())
                .sorted().toList();
    }

    /** Deletes the stuck pods of the StatefulSet {@code namespace/name}; the names of those deleted. */
    List<String> deleteStuck(String namespace, String name) {
        StatefulSet s = client.apps().statefulSets().inNamespace(namespace).withName(name).get();
        if (s == null || s.getSpec().getSelector() == null) {
            return List.of();
        }
        List<Pod> pods = client.pods().inNamespace(namespace).withLabels(s.getSpec().getSelector().getMatchLabels()).list()
                .getItems();
        List<String> stuck = stuck(s, pods);
        stuck.forEach(pod -> client.pods().inNamespace(namespace).withName(pod).delete());
        return stuck;
    }

    private static boolean ready(Pod p) {
        return p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static String revision(Pod p) {
        return p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get(StatefulSetRules.REVISION_LABEL);
    }
}
