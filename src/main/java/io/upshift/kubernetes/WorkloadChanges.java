package io.upshift.kubernetes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.upshift.version.ServiceTemplate;

/**
 * The objects of services an upgrade creates or retires ({@link ServiceChange}): a new service's
 * Deployment and Service built from its template, what a rollback deletes, a pruned service's
 * objects deleted and created again. Each call is safe to repeat (a restarted step): one that
 * finds the object already there, or already gone, changes nothing.
 */
public final class WorkloadChanges {

    /** The label every object Upshift creates carries, and the one that selects a service's pods. */
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String APP = "app";

    private final KubernetesClient client;

    public WorkloadChanges(KubernetesClient client) {
        this.client = client;
    }

    /** Creates the step's Service (when its template has ports) and Deployment, unless the Deployment exists. */
    public boolean createIfAbsent(ServiceStep step, String name) {
        var deployments = client.apps().deployments().inNamespace(step.namespace());
        if (deployments.withName(name).get() != null) {
            return false;
        }
        ServiceTemplate template = step.change().template();
        if (!template.ports().isEmpty() && client.services().inNamespace(step.namespace()).withName(name).get() == null) {
            createTolerant(() -> client.services().inNamespace(step.namespace()).resource(service(step, name, template))
                    .create());
        }
        createTolerant(() -> deployments.resource(deployment(step, name, template)).create());
        return true;
    }

    /** Deletes the Deployment and Service the upgrade created; true when something was there. */
    public boolean removeCreated(ServiceStep step, String name) {
        return delete(step.namespace(), name);
    }

    /** Deletes a retired service's Deployment and Service (prune). */
    public boolean prune(ServiceStep step, String name) {
        return delete(step.namespace(), name);
    }

    /** Creates a pruned service's Deployment and Service again, as captured before the upgrade; true when it did. */
    public boolean restoreIfAbsent(ServiceStep step, String name) {
        ServiceChange change = step.change();
        if (change.deployment() == null
                || client.apps().deployments().inNamespace(step.namespace()).withName(name).get() != null) {
            return false;
        }
        if (change.service() != null && client.services().inNamespace(step.namespace()).withName(name).get() == null) {
            createTolerant(() -> client.services().inNamespace(step.namespace()).resource(change.capturedService())
                    .create());
        }
        createTolerant(() -> client.apps().deployments().inNamespace(step.namespace())
                .resource(change.capturedDeployment()).create());
        return true;
    }

    /** The Deployment without what the API server sets (status, uid, resourceVersion…): what creates it again. */
    public static Deployment captured(Deployment d) {
        if (d == null) {
            return null;
        }
        return new DeploymentBuilder(d).editMetadata().withResourceVersion(null).withUid(null)
                .withCreationTimestamp(null).withGeneration(null).withManagedFields(List.of()).endMetadata()
                .withStatus(null).build();
    }

    /** The Service without what the API server sets (its cluster IPs are assigned again). */
    public static Service captured(Service s) {
        if (s == null) {
            return null;
        }
        return new ServiceBuilder(s).editMetadata().withResourceVersion(null).withUid(null).withCreationTimestamp(null)
                .withManagedFields(List.of()).endMetadata().editSpec().withClusterIP(null).withClusterIPs(List.of())
                .endSpec().withStatus(null).build();
    }

    private boolean delete(String namespace, String name) {
        boolean deployment = !client.apps().deployments().inNamespace(namespace).withName(name)
                .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete().isEmpty();
        boolean service = !client.services().inNamespace(namespace).withName(name).delete().isEmpty();
        return deployment || service;
    }

    /** A create that meets an object of that name (a step run again) leaves it. */
    private static void createTolerant(Runnable create) {
        try {
            create.run();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
    }

    private static Map<String, String> labels(String name, ServiceTemplate template) {
        Map<String, String> labels = new LinkedHashMap<>(template.labels());
        labels.put(APP, name);
        return labels;
    }

    private static Deployment deployment(ServiceStep step, String name, ServiceTemplate template) {
        Map<String, String> labels = labels(name, template);
        WorkloadSpec spec = step.spec();
        ContainerBuilder container = new ContainerBuilder()
                .withName(step.container() != null ? step.container() : step.service())
                .withImage(step.image())
                .withReadinessProbe(probe(template.readinessProbe()))
                .withLivenessProbe(probe(template.livenessProbe()))
                .withPorts(template.ports().stream().map(p -> new ContainerPortBuilder().withName(p.name())
                        .withContainerPort(p.containerPort()).withProtocol(p.protocol()).build()).toList())
                .withVolumeMounts(template.volumes().stream().map(v -> new VolumeMountBuilder()
                        .withName(volume(v)).withMountPath(v.mountPath()).withReadOnly(true).build()).toList());
        if (spec != null) {
            container.withEnv(spec.env()).withArgs(spec.args());
            if (spec.resources() != null) {
                container.withResources(spec.resourceRequirements());
            }
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        if (step.upgradeId() != null) {
            annotations.put(Rollouts.UPGRADE_ID, step.upgradeId());
        }
        if (step.targetVersion() != null) {
            annotations.put(Rollouts.TARGET_VERSION, step.targetVersion());
        }
        Map<String, String> objectLabels = new LinkedHashMap<>(labels);
        objectLabels.put(MANAGED_BY, "upshift");
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(step.namespace()).withLabels(objectLabels)
                .withAnnotations(annotations).endMetadata()
                .withNewSpec()
                .withReplicas(spec != null && spec.replicas() != null ? spec.replicas() : 1)
                .withNewSelector().withMatchLabels(Map.of(APP, name)).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec().withContainers(container.build())
                .withVolumes(template.volumes().stream().map(v -> new VolumeBuilder().withName(volume(v))
                        .withNewConfigMap().withName(v.configMap()).endConfigMap().build()).toList())
                .endSpec().endTemplate().endSpec().build();
    }

    private static Service service(ServiceStep step, String name, ServiceTemplate template) {
        List<io.fabric8.kubernetes.api.model.ServicePort> ports = new ArrayList<>();
        for (ServiceTemplate.Port p : template.ports()) {
            ports.add(new ServicePortBuilder().withName(p.name())
                    .withPort(p.servicePort() != null ? p.servicePort() : p.containerPort())
                    .withTargetPort(new IntOrString(p.containerPort()))
                    .withProtocol(p.protocol() != null ? p.protocol() : "TCP").build());
        }
        Map<String, String> labels = new LinkedHashMap<>(labels(name, template));
        labels.put(MANAGED_BY, "upshift");
        return new ServiceBuilder().withNewMetadata().withName(name).withNamespace(step.namespace()).withLabels(labels)
                .endMetadata().withNewSpec().withType("ClusterIP").withSelector(Map.of(APP, name)).withPorts(ports)
                .endSpec().build();
    }

    /** A volume's name is a DNS label; a ConfigMap's name may have dots. */
    private static String volume(ServiceTemplate.ConfigMapVolume v) {
        return v.configMap().replace('.', '-');
    }

    /** An HTTP GET of its path, else a TCP connect, on its port. */
    private static Probe probe(ServiceTemplate.Probe p) {
        if (p == null) {
            return null;
        }
        ProbeBuilder b = new ProbeBuilder().withInitialDelaySeconds(p.initialDelaySeconds()).withPeriodSeconds(p.periodSeconds());
        return p.path() != null
                ? b.withNewHttpGet().withPath(p.path()).withPort(new IntOrString(p.port())).endHttpGet().build()
                : b.withNewTcpSocket().withPort(new IntOrString(p.port())).endTcpSocket().build();
    }
}
