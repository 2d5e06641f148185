package io.upshift.sandbox;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.upshift.config.JsonConfiguration;
import io.upshift.kubernetes.DeploymentRules;

import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;

import static org.awaitility.Awaitility.await;

/** Test helpers around a real {@link SandboxCluster} (the code the application runs) with fast pods. */
public final class Sandbox {

    public static final String NS = "platform";
    public static final Duration READINESS = Duration.ofMillis(50);

    private Sandbox() {
    }

    public static SandboxCluster start(Path dataDir, String seed) {
        SandboxCluster sandbox = new SandboxCluster(new SandboxCluster.Settings(0, dataDir, seed, NS, 2, 600, READINESS,
                ".*:broken.*"), new JsonConfiguration().yamlMapper(), Clock.systemUTC());
        sandbox.start();
        return sandbox;
    }

    public static KubernetesClient client(SandboxCluster sandbox) {
        return new KubernetesClientBuilder().withConfig(sandbox.clientConfig()).build();
    }

    /** Creates a Deployment (25%/25% strategy, readiness probes, a PodDisruptionBudget and a Service, like the seed) and waits until the controller rolled it out. */
    public static Deployment create(KubernetesClient client, String name, int replicas, String container, String image,
            Integer progressDeadlineSeconds) {
        Map<String, String> labels = Map.of("app", name);
        Deployment d = new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).withLabels(labels).endMetadata()
                .withNewSpec().withReplicas(replicas).withProgressDeadlineSeconds(progressDeadlineSeconds)
                .withNewSelector().withMatchLabels(labels).endSelector()
                .withNewStrategy().withType("RollingUpdate").withNewRollingUpdate()
                .withMaxSurge(new IntOrString("25%")).withMaxUnavailable(new IntOrString("25%")).endRollingUpdate()
                .endStrategy()
                .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName(container).withImage(image)
                .withReadinessProbe(SandboxCluster.readinessProbe()).endContainer()
                .addNewContainer().withName("sidecar").withImage("registry.upshift.local/proxy:1")
                .withReadinessProbe(SandboxCluster.readinessProbe()).endContainer()
                .endSpec().endTemplate()
                .endSpec().build();
        client.apps().deployments().inNamespace(NS).resource(d).create();
        client.policy().v1().podDisruptionBudget().inNamespace(NS).resource(SandboxCluster.disruptionBudget(name, NS))
                .createOr(NonDeletingOperation::update);
        client.services().inNamespace(NS).resource(SandboxCluster.service(name, NS)).createOr(NonDeletingOperation::update);
        await().atMost(Duration.ofSeconds(10)).until(() -> DeploymentRules.rolledOut(get(client, name)));
        return get(client, name);
    }

    public static Deployment get(KubernetesClient client, String name) {
        return client.apps().deployments().inNamespace(NS).withName(name).get();
    }

    public static String image(KubernetesClient client, String name, String container) {
        return get(client, name).getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals(container)).findFirst().orElseThrow().getImage();
    }
}
