package io.upshift.cluster;

import java.util.Objects;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.cluster.CamelClusterService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the leadership up at once when this replica stops. camel-kubernetes' cluster service keeps
 * the Lease when it stops, and a candidate that finds a leader gone still waits a whole lease
 * duration before it leads; a Lease with no holder is taken with immediate effect. So: the
 * {@code master:} routes stop first (nothing of the leader's runs here any more), then the
 * cluster service, then the Lease's holder is cleared if it is still this replica (an update
 * guarded by the Lease's resourceVersion, as camel-kubernetes yields it). The next candidate leads
 * at its next look ({@code upshift.leader.retry-period}).
 */
public class Leadership {

    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

    private final CamelContext camel;
    private final CamelClusterService service;
    private final KubernetesClient client;
    private final String namespace;
    private final String leaseName;
    private final String instanceId;

    public Leadership(CamelContext camel, CamelClusterService service, KubernetesClient client, String namespace,
            String leaseName, String instanceId) {
        this.camel = Objects.requireNonNull(camel, "camel");
        this.service = Objects.requireNonNull(service, "service");
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.leaseName = Objects.requireNonNull(leaseName, "leaseName");
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
    }

    public void giveUp() {
        for (Route route : camel.getRoutes()) {
            if ("master".equals(route.getEndpoint().getEndpointUri().split(":", 2)[0])) {
                try {
                    camel.getRouteController().stopRoute(route.getRouteId());
                } catch (Exception e) {
                    LOG.warn("Could not stop the leader's route {}: {}", route.getRouteId(), e.getMessage());
                }
            }
        }
        try {
            service.stop();
        } catch (RuntimeException e) {
            LOG.warn("Could not stop the cluster service: {}", e.getMessage());
        }
        try {
            Lease lease = client.leases().inNamespace(namespace).withName(leaseName).get();
            if (lease != null && lease.getSpec() != null && instanceId.equals(lease.getSpec().getHolderIdentity())) {
                client.leases().inNamespace(namespace).resource(new LeaseBuilder(lease).editSpec()
                        .withHolderIdentity(null).endSpec().build()).update();
                LOG.info("Leadership given up: Lease {}/{} has no holder", namespace, leaseName);
            }
        } catch (KubernetesClientException | IllegalStateException e) {
            LOG.warn("Could not clear the holder of Lease {}/{} ({}): the others lead once it expires", namespace, leaseName,
                    e.getMessage());
        }
    }
}
