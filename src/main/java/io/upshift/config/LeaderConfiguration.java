package io.upshift.config;

import java.time.Clock;
import java.util.Map;

import javax.sql.DataSource;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.upshift.cluster.InstanceRegistration;
import io.upshift.cluster.Leadership;
import io.upshift.cluster.MemberPod;
import io.upshift.kubernetes.Durations;
import io.upshift.upgrade.PlatformLock;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.component.kubernetes.cluster.LeaseResourceType;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replicas: each process registers its {@code upshift.instance-id} (a second live process with the
 * same id is refused at start), then the replicas elect a leader with camel-kubernetes' cluster
 * service on a {@code coordination.k8s.io/v1} Lease ({@code <upshift.leader.lease-name>-leader} in
 * {@code upshift.leader.namespace}, held by the leader's instance id). What must run once runs in
 * {@code master:leader:…} routes, on the leader only: the inbox, resuming orphaned upgrades, the
 * default windows. Every replica serves the API and runs the upgrades it accepts.
 *
 * <p>camel-main binds no {@code camel.cluster.kubernetes.*} settings (that is the Spring Boot
 * starter's), so the service is built here from {@code upshift.leader.*}.
 */
@Configuration
public class LeaderConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderConfiguration.class);

    /** The cluster namespace of the {@code master:} routes: {@code master:leader:<endpoint>}. */
    public static final String GROUP = "leader";

    @PropertyInject("upshift.instance-id")
    private String instanceId;
    @PropertyInject("upshift.kubernetes.mode")
    private String mode;
    @PropertyInject("upshift.leader.namespace")
    private String namespace;
    @PropertyInject("upshift.leader.lease-name")
    private String leaseName;
    @PropertyInject("upshift.leader.pod-labels")
    private String podLabels;
    @PropertyInject("upshift.leader.write-pod")
    private boolean writePod;
    @PropertyInject("upshift.leader.lease-duration")
    private String leaseDuration;
    @PropertyInject("upshift.leader.renew-deadline")
    private String renewDeadline;
    @PropertyInject("upshift.leader.retry-period")
    private String retryPeriod;
    @PropertyInject("upshift.instance.lease")
    private String registrationLease;

    @Override
    public void configure(CamelContext camel) throws Exception {
        register(camel);
        KubernetesClient client = camel.getRegistry().lookupByNameAndType("kubernetesClient", KubernetesClient.class);
        Map<String, String> labels = MemberPod.labels(podLabels);
        if ("sandbox".equals(mode) || writePod) {
            // no kubelet reports this process: say it is a ready Pod (removed again when it stops)
            Pod self = MemberPod.of(instanceId, namespace, labels, true, Clock.systemUTC().instant());
            client.pods().inNamespace(namespace).resource(self).createOr(NonDeletingOperation::update);
            camel.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    try {
                        client.pods().inNamespace(namespace).withName(instanceId).delete();
                    } catch (RuntimeException e) {
                        LOG.warn("Could not delete this process's Pod {}/{}: {}", namespace, instanceId, e.getMessage());
                    }
                }
            }, true, false);
        } else if (client.pods().inNamespace(namespace).withName(instanceId).get() == null) {
            LOG.warn("No Pod {} in namespace {}: only a ready Pod labelled {} can lead (upshift.instance-id is the Pod's name,"
                    + " HOSTNAME in a Pod); until it exists this process serves the API but never leads (outside Kubernetes, e.g."
                    + " against a standalone sandbox: upshift.leader.write-pod=true)", instanceId, namespace, labels);
        }
        // a client of its own: the cluster service closes its client when it stops (see Leadership)
        KubernetesClient electionClient = new KubernetesClientBuilder().withConfig(client.getConfiguration()).build();
        KubernetesClusterService service = clusterService(electionClient, labels);
        camel.addService(service);
        camel.getRegistry().bind("leadership", new Leadership(camel, service, client, namespace, leaseName + "-" + GROUP,
                instanceId));
    }

    /** Registers the instance id before anything can lead or lock with it; deregistered when Camel stops. */
    private void register(CamelContext camel) throws Exception {
        DataSource dataSource = camel.getRegistry().lookupByNameAndType("dataSource", DataSource.class);
        Clock clock = camel.getRegistry().lookupByNameAndType("clock", Clock.class);
        PlatformLock leases = new PlatformLock(dataSource, clock, instanceId, Durations.parse(registrationLease));
        InstanceRegistration registration = new InstanceRegistration(leases, clock);
        registration.register();
        camel.getRegistry().bind("instanceRegistration", registration);
        camel.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                registration.close();
            }
        }, true, false);
    }

    private KubernetesClusterService clusterService(KubernetesClient client, Map<String, String> labels) {
        org.apache.camel.component.kubernetes.KubernetesConfiguration connection =
                new org.apache.camel.component.kubernetes.KubernetesConfiguration();
        connection.setKubernetesClient(client);
        KubernetesClusterService service = new KubernetesClusterService(connection);
        service.setId("upshift-leader-election");
        service.setLeaseResourceType(LeaseResourceType.Lease);
        service.setKubernetesNamespace(namespace);
        service.setKubernetesResourceName(leaseName);
        service.setPodName(instanceId);
        service.setClusterLabels(labels);
        service.setLeaseDurationMillis(Durations.parse(leaseDuration).toMillis());
        service.setRenewDeadlineMillis(Durations.parse(renewDeadline).toMillis());
        service.setRetryPeriodMillis(Durations.parse(retryPeriod).toMillis());
        LOG.info("Leader election on Lease {}/{}-{} as {} (lease {}, renew deadline {}, retry {})", namespace, leaseName, GROUP,
                instanceId, leaseDuration, renewDeadline, retryPeriod);
        return service;
    }
}
