package upshift.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.upshift.cluster.MemberPod;

/**
 * What the kubelet would report about the Upshift processes a test starts against the standalone
 * sandbox (which runs no kubelet): each one's Pod (named like its instance id, with the default
 * {@code upshift.leader.pod-labels}), ready once its readiness probe answers, not ready once it is
 * killed. camel-kubernetes' cluster service elects among these Pods. Also reads the leader Lease.
 */
final class Kubelet implements AutoCloseable {

    static final String LABELS = "app.kubernetes.io/name=upshift";
    static final String LEASE = "upshift-leader";

    private final KubernetesClient client;
    private final String namespace;

    Kubelet(Path kubeconfig, String namespace) throws IOException {
        this.client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig))).build();
        this.namespace = namespace;
    }

    /** The readiness probe of {@code pod} passed. */
    void ready(String pod) {
        write(pod, true);
    }

    /** The container of {@code pod} died (kill -9): its readiness probe fails. */
    void notReady(String pod) {
        write(pod, false);
    }

    private void write(String pod, boolean ready) {
        client.pods().inNamespace(namespace)
                .resource(MemberPod.of(pod, namespace, MemberPod.labels(LABELS), ready, Instant.now()))
                .createOr(NonDeletingOperation::update);
    }

    /** The holder of the leader Lease, if any. */
    Optional<String> leader() {
        Lease lease = client.leases().inNamespace(namespace).withName(LEASE).get();
        return Optional.ofNullable(lease).map(l -> l.getSpec().getHolderIdentity());
    }

    @Override
    public void close() {
        client.close();
    }
}
