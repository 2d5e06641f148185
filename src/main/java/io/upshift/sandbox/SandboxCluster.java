package io.upshift.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.ClusterBuilder;
import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.api.model.ContextBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.api.model.NamedAuthInfoBuilder;
import io.fabric8.kubernetes.api.model.NamedClusterBuilder;
import io.fabric8.kubernetes.api.model.NamedContextBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.upshift.kubernetes.DeploymentRules;
import io.upshift.version.ServiceSpec;
import io.upshift.version.VersionConfig;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in sandbox cluster: the fabric8 Kubernetes API server in CRUD mode on a loopback port,
 * with the discovery documents kubectl needs, a deployment controller, a kubeconfig for operators,
 * and the Deployments of a platform version as seed. A Camel service: it stops with the application.
 */
public class SandboxCluster extends ServiceSupport {

    /** The sandbox's settings ({@code upshift.sandbox.*}). {@code seed} null or blank: nothing is seeded. */
    public record Settings(int port, Path dataDir, String seed, String namespace, int replicas,
            int progressDeadlineSeconds, Duration readinessDelay, String brokenImagePattern) {

        public Settings {
            if (replicas < 2) {
                throw new IllegalArgumentException("upshift.sandbox.replicas must be at least 2, not " + replicas);
            }
        }
    }

    public static final String CONTEXT = "upshift-sandbox";

    private static final Logger LOG = LoggerFactory.getLogger(SandboxCluster.class);
    /** The mock server logs every request through java.util.logging; held so the level is not collected away. */
    private static final java.util.logging.Logger MOCK_SERVER_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final Settings settings;
    private final ObjectMapper yamlMapper;
    private final Clock clock;
    private KubernetesMockServer server;
    private SandboxDispatcher dispatcher;
    private final FaultInjector faultInjector = new FaultInjector();
    private KubernetesClient client;
    private SandboxDeploymentController controller;
    private SandboxServiceProxy proxy;
    private SandboxJobController jobs;
    private SandboxStatefulSetController statefulSets;
    private Path kubeconfig;

    public SandboxCluster(Settings settings, ObjectMapper yamlMapper, Clock clock) {
        this.settings = settings;
        this.yamlMapper = yamlMapper;
        this.clock = clock;
    }

    @Override
    protected void doStart() throws Exception {
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        MockWebServer web = new MockWebServer();
        dispatcher = new SandboxDispatcher(web);
        dispatcher.faults(faultInjector);
        server = new KubernetesMockServer(new Context(), web, new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), settings.port());
        // the controllers' own requests carry SANDBOX_AGENT: the fault layer lets them through
        client = server.createClient(b -> b.withHttpClientBuilderConsumer(http -> http.addOrReplaceInterceptor(
                "sandbox-agent", new io.fabric8.kubernetes.client.http.Interceptor() {
                    @Override
                    public void before(io.fabric8.kubernetes.client.http.BasicBuilder builder,
                            io.fabric8.kubernetes.client.http.HttpRequest request, RequestTags tags) {
                        builder.setHeader("User-Agent", FaultInjector.SANDBOX_AGENT);
                    }
                })));
        faultInjector.foreignEditor(new ForeignEditor(client)::edit);
        faultInjector.imagesOf(name -> {
            Deployment d = client.apps().deployments().inNamespace(settings.namespace()).withName(name).get();
            return d == null ? null : d.getSpec().getTemplate().getSpec().getContainers().stream()
                    .map(io.fabric8.kubernetes.api.model.Container::getImage).toList();
        });
        seed();
        controller = new SandboxDeploymentController(client, settings.readinessDelay(), settings.brokenImagePattern(),
                clock);
        controller.neverReady(faultInjector::neverReady);
        controller.start();
        // a Job's pod runs as long as a Deployment's takes to get ready, and an image that never gets ready fails it
        jobs = new SandboxJobController(client, settings.readinessDelay(), settings.brokenImagePattern(), clock);
        jobs.start();
        statefulSets = new SandboxStatefulSetController(client, settings.readinessDelay(), settings.brokenImagePattern(),
                clock);
        statefulSets.start();
        proxy = new SandboxServiceProxy(client);
        dispatcher.connect(proxy, jobs);
        faultInjector.set(faultInjector.current()); // faults set before start: now the seeded images are known
        kubeconfig = writeKubeconfig();
        LOG.info("Sandbox cluster listening on {}; kubectl --kubeconfig {} get deployments -A", url(), kubeconfig);
    }

    /** The faults in force (none unless set); see docs/sandbox.md. */
    public SandboxFaults faults() {
        return faultInjector.current();
    }

    /** Sets the faults (at start, or at run time through {@link SandboxAdmin}). */
    public void faults(SandboxFaults faults) {
        faultInjector.set(faults);
    }

    /** What the faults injected since they were set, by kind ({@code errors}, {@code throttled}, {@code watches-closed}…). */
    public java.util.Map<String, Long> injectedFaults() {
        return faultInjector.injected();
    }

    @Override
    protected void doStop() throws Exception {
        faultInjector.close();
        if (controller != null) {
            controller.close();
        }
        if (jobs != null) {
            jobs.close();
        }
        if (statefulSets != null) {
            statefulSets.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.destroy();
        }
        LOG.info("Sandbox cluster stopped");
    }

    /** The API server's address, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getPort();
    }

    public int port() {
        return server.getPort();
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    /**
     * Drains the requests the API server received since the previous call (the mock server records
     * every one; the latest {@value SandboxDispatcher#MAX_RECORDED} are kept): what the benchmark
     * counts. The mock server's own types stay inside the sandbox.
     */
    public List<ApiRequest> takeRequests() throws InterruptedException {
        List<ApiRequest> taken = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.takeRequest(0, TimeUnit.MILLISECONDS)) != null) {
            taken.add(new ApiRequest(request.getMethod(), request.getPath() == null ? "" : request.getPath(),
                    request.getHeader("User-Agent")));
        }
        dispatcher.taken(taken.size());
        return taken;
    }

    /** One request the sandbox's API server received, and who sent it (Upshift's client says {@code upshift/…}). */
    public record ApiRequest(String method, String path, String userAgent) {
    }

    /** A client configuration for the sandbox that reads no kubeconfig or environment. */
    public Config clientConfig() {
        Config config = Config.empty();
        config.setMasterUrl(url());
        config.setNamespace(settings.namespace());
        config.setTrustCerts(true);
        return config;
    }

    private Path writeKubeconfig() throws IOException {
        io.fabric8.kubernetes.api.model.Config config = new ConfigBuilder()
                .withApiVersion("v1").withKind("Config")
                .withClusters(new NamedClusterBuilder().withName(CONTEXT)
                        .withCluster(new ClusterBuilder().withServer(url()).build()).build())
                .withUsers(new NamedAuthInfoBuilder().withName(CONTEXT).withUser(new AuthInfo()).build())
                .withContexts(new NamedContextBuilder().withName(CONTEXT)
                        .withContext(new ContextBuilder().withCluster(CONTEXT).withUser(CONTEXT)
                                .withNamespace(settings.namespace()).build())
                        .build())
                .withCurrentContext(CONTEXT)
                .build();
        Files.createDirectories(settings.dataDir());
        Path file = settings.dataDir().resolve("sandbox.kubeconfig");
        // written aside and moved: whoever waits for the file (a script, a test) never reads half of it
        Path written = Files.createTempFile(settings.dataDir(), "sandbox.kubeconfig", ".tmp");
        yamlMapper.writeValue(written.toFile(), config);
        Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file.toAbsolutePath().normalize();
    }

    private void seed() throws IOException {
        if (settings.seed() == null || settings.seed().isBlank()) {
            return;
        }
        VersionConfig platform = readSeed(settings.seed());
        int seeded = 0;
        for (ServiceSpec service : platform.services()) {
            String namespace = service.namespaceOr(settings.namespace());
            if (client.namespaces().withName(namespace).get() == null) {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                        .endMetadata().build()).create();
            }
            if (service.workloadKind() == io.upshift.version.WorkloadKind.STATEFUL_SET) {
                seeded += SandboxStatefulSets.seed(client, service, namespace, settings.replicas()) ? 1 : 0;
                continue;
            }
            if (client.apps().deployments().inNamespace(namespace).withName(service.deploymentName()).get() != null) {
                continue;
            }
            Deployment created = client.apps().deployments().inNamespace(namespace)
                    .resource(deployment(service, namespace)).create();
            client.policy().v1().podDisruptionBudget().inNamespace(namespace)
                    .resource(disruptionBudget(service.deploymentName(), namespace)).createOr(NonDeletingOperation::update);
            client.services().inNamespace(namespace).resource(service(service.deploymentName(), namespace))
                    .createOr(NonDeletingOperation::update);
            client.apps().deployments().inNamespace(namespace).resource(rolledOut(created)).updateStatus();
            seeded++;
        }
        LOG.info("Sandbox cluster seeded with {} workloads of platform {} ({})", seeded, platform.version(),
                settings.seed());
    }

    private VersionConfig readSeed(String seed) throws IOException {
        Path file = Path.of(seed);
        if (Files.isRegularFile(file)) {
            return yamlMapper.readValue(file.toFile(), VersionConfig.class);
        }
        String resource = seed.startsWith("classpath:") ? seed.substring("classpath:".length()) : seed;
        try (InputStream in = SandboxCluster.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException(
                        "upshift.sandbox.seed: " + seed + " is neither a file nor a classpath resource"));
            }
            return yamlMapper.readValue(in, VersionConfig.class);
        }
    }

    private Deployment deployment(ServiceSpec service, String namespace) {
        String name = service.deploymentName();
        Map<String, String> labels = Map.of("app", name);
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                .withNewSpec()
                .withReplicas(settings.replicas())
                .withProgressDeadlineSeconds(settings.progressDeadlineSeconds())
                .withNewSelector().withMatchLabels(labels).endSelector()
                .withNewStrategy().withType("RollingUpdate")
                .withNewRollingUpdate().withMaxSurge(new IntOrString("25%")).withMaxUnavailable(new IntOrString("25%"))
                .endRollingUpdate().endStrategy()
                .withNewTemplate()
                .withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec()
                .addNewContainer().withName(service.container() != null ? service.container() : service.name())
                .withImage(service.image()).withReadinessProbe(readinessProbe()).endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /** Seeded like a well-run platform: the pre-checks find a readiness probe and a disruption budget. */
    public static Probe readinessProbe() {
        return new ProbeBuilder().withNewHttpGet().withPath("/ready").withPort(new IntOrString(SERVICE_PORT)).endHttpGet()
                .withPeriodSeconds(5).build();
    }

    /** A PodDisruptionBudget (policy/v1, maxUnavailable 1) selecting the pods labelled {@code app=<deployment>}. */
    public static PodDisruptionBudget disruptionBudget(String deployment, String namespace) {
        return new PodDisruptionBudgetBuilder().withNewMetadata().withName(deployment).withNamespace(namespace)
                .endMetadata().withNewSpec().withMaxUnavailable(new IntOrString(1)).withNewSelector()
                .withMatchLabels(Map.of("app", deployment)).endSelector().endSpec().build();
    }

    /** The port every sandbox Service exposes (and the seeded readiness probes use). */
    public static final int SERVICE_PORT = 8080;

    /**
     * A ClusterIP Service named like the Deployment, selecting its pods ({@code app=<deployment>}) on
     * port {@value #SERVICE_PORT} ({@code http}): what the service proxy answers through.
     */
    public static io.fabric8.kubernetes.api.model.Service service(String deployment, String namespace) {
        return new io.fabric8.kubernetes.api.model.ServiceBuilder().withNewMetadata().withName(deployment)
                .withNamespace(namespace).withLabels(Map.of("app", deployment)).endMetadata()
                .withNewSpec().withType("ClusterIP").withSelector(Map.of("app", deployment))
                .addNewPort().withName("http").withPort(SERVICE_PORT).withTargetPort(new IntOrString(SERVICE_PORT))
                .withProtocol("TCP").endPort()
                .endSpec().build();
    }

    private Deployment rolledOut(Deployment d) {
        int replicas = settings.replicas();
        String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
        return new DeploymentBuilder(d).withStatus(new DeploymentStatusBuilder()
                .withObservedGeneration(DeploymentRules.generation(d))
                .withReplicas(replicas).withUpdatedReplicas(replicas).withReadyReplicas(replicas)
                .withAvailableReplicas(replicas)
                .withConditions(List.of(
                        new DeploymentConditionBuilder().withType("Available").withStatus("True")
                                .withReason("MinimumReplicasAvailable")
                                .withMessage("Deployment has minimum availability.")
                                .withLastTransitionTime(now).withLastUpdateTime(now).build(),
                        new DeploymentConditionBuilder().withType("Progressing").withStatus("True")
                                .withReason("NewReplicaSetAvailable")
                                .withMessage("ReplicaSet \"" + d.getMetadata().getName() + "\" has successfully progressed.")
                                .withLastTransitionTime(now).withLastUpdateTime(now).build()))
                .build()).build();
    }
}
