package io.upshift.config;

import java.nio.file.Path;
import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.upshift.kubernetes.ApiRetry;
import io.upshift.metrics.KubernetesRequestMetrics;
import io.upshift.metrics.KubernetesRetryMetrics;
import io.upshift.kubernetes.Durations;
import io.upshift.kubernetes.RollServiceProcessor;
import io.upshift.kubernetes.Rollouts;
import io.upshift.sandbox.SandboxCluster;
import io.upshift.sandbox.SandboxFaults;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster connection: one fabric8 {@code kubernetesClient} (the camel-kubernetes components
 * autowire it) for the sandbox cluster ({@code upshift.kubernetes.mode=sandbox}, started here and
 * stopped with Camel) or a real cluster ({@code cluster}: in-cluster account, KUBECONFIG or
 * ~/.kube/config); plus the {@code rollouts} and {@code rollService} beans built on it.
 */
@Configuration
public class KubernetesConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesConfiguration.class);
    /** The first word of the User-Agent of Upshift's Kubernetes requests. */
    public static final String USER_AGENT = "upshift";

    @PropertyInject(value = "upshift.kubernetes.mode", defaultValue = "sandbox")
    private String mode;
    @PropertyInject(value = "upshift.kubernetes.namespace", defaultValue = "platform")
    private String namespace;
    @PropertyInject(value = "upshift.kubernetes.max-concurrent-requests", defaultValue = "256")
    private int maxConcurrentRequests;
    @PropertyInject(value = "upshift.kubernetes.max-concurrent-requests-per-host", defaultValue = "128")
    private int maxConcurrentRequestsPerHost;
    @PropertyInject(value = "upshift.kubernetes.request-timeout", defaultValue = "30s")
    private String requestTimeout;
    @PropertyInject(value = "upshift.kubernetes.retry-attempts", defaultValue = "5")
    private int retryAttempts;
    @PropertyInject(value = "upshift.kubernetes.retry-backoff", defaultValue = "500ms")
    private String retryBackoff;
    @PropertyInject(value = "upshift.kubernetes.retry-max-backoff", defaultValue = "30s")
    private String retryMaxBackoff;
    @PropertyInject(value = "upshift.kubernetes.retry-deadline", defaultValue = "2m")
    private String retryDeadline;

    @PropertyInject(value = "upshift.rollout.max-unavailable", defaultValue = "0")
    private String maxUnavailable;
    @PropertyInject(value = "upshift.rollout.max-surge", defaultValue = "1")
    private String maxSurge;
    @PropertyInject(value = "upshift.rollout.timeout", defaultValue = "30m")
    private String rolloutTimeout;
    @PropertyInject(value = "upshift.rollout.deadline-grace", defaultValue = "5s")
    private String deadlineGrace;
    @PropertyInject(value = "upshift.rollout.stateful-set-progress-deadline", defaultValue = "10m")
    private String statefulSetProgressDeadline;

    @PropertyInject(value = "upshift.data.dir", defaultValue = "./data")
    private String dataDir;
    @PropertyInject(value = "upshift.sandbox.port", defaultValue = "0")
    private int sandboxPort;
    @PropertyInject(value = "upshift.sandbox.seed", defaultValue = "examples/platform-5.1.2.02.yaml")
    private String sandboxSeed;
    @PropertyInject(value = "upshift.sandbox.replicas", defaultValue = "2")
    private int sandboxReplicas;
    @PropertyInject(value = "upshift.sandbox.progress-deadline-seconds", defaultValue = "600")
    private int sandboxProgressDeadlineSeconds;
    @PropertyInject(value = "upshift.sandbox.readiness-delay", defaultValue = "1s")
    private String sandboxReadinessDelay;
    @PropertyInject(value = "upshift.sandbox.broken-image-pattern", defaultValue = ".*:broken.*")
    private String sandboxBrokenImagePattern;

    private KubernetesClient client;
    private Rollouts rollouts;

    @BindToRegistry("kubernetesClient")
    public KubernetesClient kubernetesClient(CamelContext camelContext) {
        return client(camelContext);
    }

    @BindToRegistry("rollouts")
    public Rollouts rollouts(CamelContext camelContext) {
        return rolloutsBean(camelContext);
    }

    /**
     * Upshift's one retry of Kubernetes API calls for everything but a rollout's own (the planner, the pre-checks,
     * the snapshot, Jobs): the same {@code upshift.kubernetes.retry-*} policy and metric as the rollouts', on a
     * worker pool of its own.
     */
    @BindToRegistry("kubernetesRetry")
    public ApiRetry kubernetesRetry(CamelContext camelContext) {
        return new ApiRetry(retryPolicy(), camelContext.getExecutorServiceManager().newCachedThreadPool(this,
                "kubernetes-api"), clock(camelContext), () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble(),
                retryListener(camelContext));
    }

    @BindToRegistry("rollService")
    public RollServiceProcessor rollService(CamelContext camelContext) {
        return new RollServiceProcessor(rolloutsBean(camelContext));
    }

    private synchronized Rollouts rolloutsBean(CamelContext camelContext) {
        if (rollouts == null) {
            Rollouts.Settings settings = new Rollouts.Settings(maxUnavailable, maxSurge,
                    Durations.parse(rolloutTimeout), Durations.parse(deadlineGrace), retryAttempts,
                    Durations.parse(retryBackoff), Durations.parse(statefulSetProgressDeadline));
            rollouts = new Rollouts(client(camelContext), settings, mapper(camelContext, "jsonMapper"),
                    clock(camelContext), retryPolicy(), retryListener(camelContext));
            addService(camelContext, rollouts);
        }
        return rollouts;
    }

    private ApiRetry.Policy retryPolicy() {
        return new ApiRetry.Policy(retryAttempts, Durations.parse(retryBackoff), Durations.parse(retryMaxBackoff),
                Durations.parse(retryDeadline));
    }

    private static ApiRetry.Listener retryListener(CamelContext camelContext) {
        return new KubernetesRetryMetrics(camelContext.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class));
    }

    private synchronized KubernetesClient client(CamelContext camelContext) {
        if (client != null) {
            return client;
        }
        Config config;
        if ("sandbox".equals(mode)) {
            SandboxCluster sandbox = new SandboxCluster(new SandboxCluster.Settings(sandboxPort, Path.of(dataDir),
                    sandboxSeed, namespace, sandboxReplicas, sandboxProgressDeadlineSeconds,
                    Durations.parse(sandboxReadinessDelay), sandboxBrokenImagePattern),
                    mapper(camelContext, "yamlMapper"), clock(camelContext));
            sandbox.faults(sandboxFaults(camelContext)); // issue 19: upshift.sandbox.faults.*
            sandbox.start();
            addService(camelContext, sandbox);
            config = sandbox.clientConfig();
        } else if ("cluster".equals(mode)) {
            config = Config.autoConfigure(null);
        } else {
            throw new IllegalArgumentException("upshift.kubernetes.mode must be sandbox or cluster, not " + mode);
        }
        config.setMaxConcurrentRequests(maxConcurrentRequests);
        config.setMaxConcurrentRequestsPerHost(maxConcurrentRequestsPerHost);
        config.setRequestTimeout((int) Durations.parse(requestTimeout).toMillis());
        // who is calling, in the API server's audit log (and the sandbox's request log)
        config.setUserAgent(config.getUserAgent() == null ? USER_AGENT : USER_AGENT + " " + config.getUserAgent());
        // Upshift retries an unreachable API itself (upshift.kubernetes.retry-*), with typed errors.
        config.setRequestRetryBackoffLimit(0);
        KubernetesRequestMetrics metrics = new KubernetesRequestMetrics(
                camelContext.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class));
        KubernetesClient built = new KubernetesClientBuilder().withConfig(config)
                .withHttpClientBuilderConsumer(http -> http.addOrReplaceInterceptor(KubernetesRequestMetrics.NAME, metrics))
                .build();
        addService(camelContext, new ServiceSupport() {
            @Override
            protected void doStop() {
                built.close();
            }
        });
        LOG.info("Kubernetes client for {} ({} mode)", built.getMasterUrl(), mode);
        client = built;
        return client;
    }

    private static SandboxFaults sandboxFaults(CamelContext camelContext) {
        java.util.Properties p = camelContext.getPropertiesComponent().loadProperties(k -> k.startsWith(SandboxFaults.PREFIX));
        java.util.Map<String, String> settings = new java.util.TreeMap<>();
        p.stringPropertyNames().forEach(k -> settings.put(k, p.getProperty(k)));
        return SandboxFaults.parse(settings);
    }

    private static void addService(CamelContext camelContext, Object service) {
        try {
            camelContext.addService(service, true);
        } catch (Exception e) {
            throw RuntimeCamelException.wrapRuntimeCamelException(e);
        }
    }

    /** The shared mapper; configuration classes bind in no set order, so fall back to an equal one. */
    private static ObjectMapper mapper(CamelContext camelContext, String name) {
        ObjectMapper mapper = camelContext.getRegistry().lookupByNameAndType(name, ObjectMapper.class);
        if (mapper != null) {
            return mapper;
        }
        JsonConfiguration json = new JsonConfiguration();
        return "yamlMapper".equals(name) ? json.yamlMapper() : json.jsonMapper();
    }

    private static Clock clock(CamelContext camelContext) {
        Clock clock = camelContext.getRegistry().lookupByNameAndType("clock", Clock.class);
        return clock != null ? clock : Clock.systemUTC();
    }
}
