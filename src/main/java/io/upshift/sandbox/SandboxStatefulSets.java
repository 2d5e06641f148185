package io.upshift.sandbox;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.upshift.version.ServiceSpec;
import io.upshift.version.VolumeClaim;

/** The StatefulSets the sandbox seeds (and tests create): what a platform's stateful service looks like. */
public final class SandboxStatefulSets {

    private SandboxStatefulSets() {
    }

    /** Creates the service's StatefulSet (with its Service and disruption budget) unless it exists; true when created. */
    static boolean seed(KubernetesClient client, ServiceSpec service, String namespace, int replicas) {
        String name = service.deploymentName();
        if (client.apps().statefulSets().inNamespace(namespace).withName(name).get() != null) {
            return false;
        }
        String container = service.container() != null ? service.container() : service.name();
        client.apps().statefulSets().inNamespace(namespace)
                .resource(statefulSet(name, namespace, replicas, container, service.image(), service.volumeClaimTemplates()))
                .create();
        client.policy().v1().podDisruptionBudget().inNamespace(namespace)
                .resource(SandboxCluster.disruptionBudget(name, namespace)).createOr(NonDeletingOperation::update);
        client.services().inNamespace(namespace).resource(SandboxCluster.service(name, namespace))
                .createOr(NonDeletingOperation::update);
        return true;
    }

    /**
     * A StatefulSet as a cluster would default it: {@code OrderedReady}, {@code RollingUpdate} with
     * partition 0, a readiness probe, its claims (null: none).
     */
    public static StatefulSet statefulSet(String name, String namespace, int replicas, String container, String image,
            List<VolumeClaim> claims) {
        Map<String, String> labels = Map.of("app", name);
        return new StatefulSetBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                .withNewSpec().withReplicas(replicas).withServiceName(name).withPodManagementPolicy("OrderedReady")
                .withNewSelector().withMatchLabels(labels).endSelector()
                .withNewUpdateStrategy().withType("RollingUpdate").withNewRollingUpdate().withPartition(0)
                .endRollingUpdate().endUpdateStrategy()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName(container).withImage(image)
                .withReadinessProbe(SandboxCluster.readinessProbe()).endContainer().endSpec().endTemplate()
                .withVolumeClaimTemplates(claims == null ? List.of() : claims.stream().map(SandboxStatefulSets::claim).toList())
                .endSpec().build();
    }

    private static PersistentVolumeClaim claim(VolumeClaim c) {
        return new PersistentVolumeClaimBuilder().withNewMetadata().withName(c.name()).endMetadata().withNewSpec()
                .withAccessModes(c.accessModes() == null ? List.of("ReadWriteOnce") : c.accessModes())
                .withStorageClassName(c.storageClassName())
                .withNewResources().withRequests(Map.of("storage", new Quantity(c.storage()))).endResources()
                .endSpec().build();
    }
}
