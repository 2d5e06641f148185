package io.upshift.config;

import java.time.Clock;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.upshift.kubernetes.ApiRetry;
import io.upshift.kubernetes.Durations;
import io.upshift.kubernetes.ServiceProxy;
import io.upshift.kubernetes.VerifyJobs;
import io.upshift.probe.AvailabilityProbes;
import io.upshift.verify.Verifier;
import io.upshift.version.VersionStore;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The checks after an upgrade ({@code VERIFYING}): the service proxy, verification Jobs and the
 * verifier over them; and the availability probes that go through the same proxy while it runs.
 */
@Configuration
public class VerifyConfiguration implements CamelConfiguration {

    /** GETs through the API server's service proxy (verification and availability probes). */
    @BindToRegistry(value = "serviceProxy", lazy = true)
    public ServiceProxy serviceProxy(CamelContext camel, @BeanInject("kubernetesClient") KubernetesClient client)
            throws Exception {
        ServiceProxy proxy = new ServiceProxy(client);
        camel.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                proxy.close();
            }
        }, true, false);
        return proxy;
    }

    /** The services' probes while an upgrade runs (route availability-probes ticks them). */
    @BindToRegistry(value = "availabilityProbes", lazy = true)
    public AvailabilityProbes availabilityProbes(@BeanInject("serviceProxy") ServiceProxy proxy,
            @BeanInject("versionStore") VersionStore versions, @BeanInject("clock") Clock clock,
            @PropertyInject("upshift.probe.timeout") String timeout) {
        return new AvailabilityProbes(versions, proxy, clock, Durations.parse(timeout));
    }

    /** Jobs are created, watched and read on a small pool; nothing waits on a running Job. */
    @BindToRegistry(value = "verifier", lazy = true)
    public Verifier verifier(CamelContext camel, @BeanInject("kubernetesClient") KubernetesClient client,
            @BeanInject("serviceProxy") ServiceProxy proxy, @BeanInject("versionStore") VersionStore versions,
            @BeanInject("clock") Clock clock,
            @PropertyInject("upshift.verify.http-timeout") String httpTimeout,
            @PropertyInject("upshift.verify.retry-delay") String retryDelay,
            @PropertyInject("upshift.verify.job-timeout") String jobTimeout,
            @PropertyInject("upshift.verify.log-lines") int logLines,
            @PropertyInject("upshift.verify.parallelism") int parallelism,
            @BeanInject("kubernetesRetry") ApiRetry retry) {
        var executors = camel.getExecutorServiceManager();
        VerifyJobs jobs = new VerifyJobs(client, executors.newSingleThreadScheduledExecutor(this, "verify-timers"),
                executors.newFixedThreadPool(this, "verify", 2), logLines, retry);
        return new Verifier(versions, proxy, jobs, clock, new Verifier.Settings(Durations.parse(httpTimeout),
                Durations.parse(retryDelay), Durations.parse(jobTimeout), parallelism));
    }
}
