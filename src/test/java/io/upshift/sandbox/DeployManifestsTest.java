package io.upshift.sandbox;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.upshift.config.JsonConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The install in {@code deploy/}: every manifest is read into the fabric8 model with no field the
 * model does not know (a misspelt or misplaced field would be silently dropped by a cluster), says
 * what the install promises, and real kubectl applies the kustomize base to the sandbox cluster.
 */
class DeployManifestsTest {

    private static final Path DEPLOY = Path.of("deploy");
    private static final Path KUBECTL = Path.of("/usr/bin/kubectl");
    private static final KubernetesSerialization MODEL = new KubernetesSerialization();

    @TempDir
    static Path dataDir;

    static SandboxCluster sandbox;

    @BeforeAll
    static void start() {
        sandbox = Sandbox.start(dataDir, "");
    }

    @AfterAll
    static void stop() {
        if (sandbox != null) {
            sandbox.stop();
        }
    }

    @Test
    void everyManifestIsInTheBaseAndReadsIntoTheModelWithNoUnknownField() throws Exception {
        JsonNode kustomization = new JsonConfiguration().yamlMapper().readTree(DEPLOY.resolve("kustomization.yaml").toFile());
        List<String> listed = new ArrayList<>();
        kustomization.path("resources").forEach(r -> listed.add(r.asText()));
        try (Stream<Path> files = Files.list(DEPLOY)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".yaml"))
                    .filter(f -> !f.equals("kustomization.yaml"))).containsExactlyInAnyOrderElementsOf(listed);
        }
        List<String> kinds = new ArrayList<>();
        for (HasMetadata resource : resources()) {
            List<String> unknown = new ArrayList<>();
            unknownFields(resource, resource.getKind() + "/" + resource.getMetadata().getName(), unknown);
            assertThat(unknown).as("fields the fabric8 model does not know").isEmpty();
            kinds.add(resource.getKind());
        }
        assertThat(kinds).containsExactlyInAnyOrder("Namespace", "ServiceAccount", "Role", "RoleBinding", "Role",
                "RoleBinding", "Secret", "Deployment", "Service", "PodDisruptionBudget");
    }

    @Test
    void theDeploymentRunsTwoProbedNonRootReplicasOnAReadOnlyRootWithTheDatabaseFromASecret() throws Exception {
        Deployment deployment = only(Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        var pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        Container upshift = pod.getContainers().get(0);
        assertThat(upshift.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(upshift.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(upshift.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/observe/health/ready");
        assertThat(upshift.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/observe/health/live");
        assertThat(upshift.getResources().getRequests()).containsKeys("cpu", "memory");
        // what Upshift writes goes to emptyDir volumes
        assertThat(upshift.getVolumeMounts()).extracting(m -> m.getMountPath()).contains("/data", "/tmp");
        assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getEmptyDir()).isNotNull());
        Map<String, String> fromSecrets = new java.util.HashMap<>();
        upshift.getEnv().stream().filter(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                .forEach(e -> fromSecrets.put(e.getName(), e.getValueFrom().getSecretKeyRef().getName()));
        assertThat(fromSecrets).containsEntry("UPSHIFT_DB_URL", "upshift-database")
                .containsEntry("UPSHIFT_DB_PASSWORD", "upshift-database");
        // the instance id is the Pod's name: the leader Lease's holder and the member the cluster service looks for
        assertThat(upshift.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("UPSHIFT_INSTANCE_ID");
            assertThat(e.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        });
    }

    /** On SIGTERM the handover, then Camel's graceful shutdown: both must end before Kubernetes sends SIGKILL. */
    @Test
    void theGracePeriodCoversTheHandoverAndCamelsShutdown() throws Exception {
        java.util.Properties settings = new java.util.Properties();
        try (var in = Files.newInputStream(Path.of("application.properties"))) {
            settings.load(in);
        }
        long handover = io.upshift.kubernetes.Durations.parse(settings.getProperty("upshift.shutdown.handover-timeout"))
                .toSeconds();
        long shutdown = Long.parseLong(settings.getProperty("camel.main.shutdown-timeout").trim());
        long grace = only(Deployment.class).getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        assertThat(grace).as("terminationGracePeriodSeconds against handover %ss + shutdown %ss", handover, shutdown)
                .isGreaterThanOrEqualTo(handover + shutdown + 5);
    }

    @Test
    void theRolesGrantTheRolloutsAndTheLeaseAndNothingMore() throws Exception {
        Map<String, List<PolicyRule>> rules = new java.util.TreeMap<>();
        for (HasMetadata r : resources()) {
            if (r instanceof Role role) {
                rules.put(role.getMetadata().getNamespace() + "/" + role.getMetadata().getName(), role.getRules());
            }
        }
        assertThat(rules).containsOnlyKeys("platform/upshift-rollouts", "upshift/upshift-leader-election");
        // Deployments read and patched; the PodDisruptionBudgets and ResourceQuotas the pre-checks list
        // and for verification and the probes: the service proxy, Jobs (watched by name), their pod's log
        assertThat(rules.get("platform/upshift-rollouts")).hasSize(12).anySatisfy(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("");
            assertThat(rule.getResources()).containsExactly("services/proxy");
            assertThat(rule.getVerbs()).containsExactly("get");
        }).anySatisfy(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("batch");
            assertThat(rule.getResources()).containsExactly("jobs");
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("create", "get", "watch", "delete");
        }).anySatisfy(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("");
            assertThat(rule.getResources()).containsExactly("pods");
            assertThat(rule.getVerbs()).containsExactly("list");
        }).anySatisfy(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("");
            assertThat(rule.getResources()).containsExactly("pods/log");
            assertThat(rule.getVerbs()).containsExactly("get");
        }).anySatisfy(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("apps");
            assertThat(rule.getResources()).containsExactly("deployments");
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch", "patch");
        }).anySatisfy(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("policy");
            assertThat(rule.getResources()).containsExactly("poddisruptionbudgets");
            assertThat(rule.getVerbs()).containsExactly("list");
        }).anySatisfy(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("");
            assertThat(rule.getResources()).containsExactly("resourcequotas");
            assertThat(rule.getVerbs()).containsExactly("list");
        }).anySatisfy(rule -> {
            // a release's ConfigMaps: patched in place, created when new, deleted by the rollback of one it created
            assertThat(rule.getApiGroups()).containsExactly("");
            assertThat(rule.getResources()).containsExactly("configmaps");
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "create", "patch", "delete");
        }).anySatisfy(rule -> {
            // a new service's Deployment created, a pruned one deleted (and created again by a rollback)
            assertThat(rule.getApiGroups()).containsExactly("apps");
            assertThat(rule.getResources()).containsExactly("deployments");
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("create", "delete");
        }).anySatisfy(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("");
            assertThat(rule.getResources()).containsExactly("services");
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "create", "delete");
        }).anySatisfy(rule -> {
            // a StatefulSet rolled as a Deployment is: read, patched, watched
            assertThat(rule.getApiGroups()).containsExactly("apps");
            assertThat(rule.getResources()).containsExactly("statefulsets");
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch", "patch");
        }).anySatisfy(rule -> {
            // a StatefulSet's pod stuck at a reverted revision deleted (forced rollback)
            assertThat(rule.getApiGroups()).containsExactly("");
            assertThat(rule.getResources()).containsExactly("pods");
            assertThat(rule.getVerbs()).containsExactly("delete");
        });
        assertThat(rules.get("upshift/upshift-leader-election")).anySatisfy(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("coordination.k8s.io");
            assertThat(rule.getResources()).containsExactly("leases");
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "create", "update");
        });
    }

    @Test
    void kubectlAppliesTheBaseToTheSandbox() throws Exception {
        assumeTrue(Files.isExecutable(KUBECTL), "kubectl is not installed");
        // the sandbox serves no OpenAPI schema for kubectl's own validation: the model check above does that
        Process kubectl = new ProcessBuilder(KUBECTL.toString(), "--kubeconfig", sandbox.kubeconfig().toString(),
                "apply", "-k", DEPLOY.toString(), "--validate=false").redirectErrorStream(true).start();
        String output = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(kubectl.exitValue()).as(output).isZero();
        assertThat(output).contains("namespace/upshift created", "deployment.apps/upshift created",
                "poddisruptionbudget.policy/upshift created", "role.rbac.authorization.k8s.io/upshift-leader-election created");
        try (KubernetesClient client = Sandbox.client(sandbox)) {
            assertThat(client.namespaces().withName("upshift").get()).isNotNull();
            Deployment applied = client.apps().deployments().inNamespace("upshift").withName("upshift").get();
            assertThat(applied.getSpec().getReplicas()).isEqualTo(2);
            // kustomize's common label reached every object
            assertThat(applied.getMetadata().getLabels()).containsEntry("app.kubernetes.io/part-of", "upshift");
            assertThat(client.rbac().roleBindings().inNamespace("platform").withName("upshift-rollouts").get()
                    .getSubjects().get(0).getNamespace()).isEqualTo("upshift");
        }
    }

    private static List<HasMetadata> resources() throws IOException {
        List<HasMetadata> resources = new ArrayList<>();
        JsonNode kustomization = new JsonConfiguration().yamlMapper().readTree(DEPLOY.resolve("kustomization.yaml").toFile());
        for (JsonNode file : kustomization.path("resources")) {
            Object parsed = MODEL.unmarshal(Files.readString(DEPLOY.resolve(file.asText())));
            if (parsed instanceof Collection<?> many) {
                many.forEach(r -> resources.add((HasMetadata) r));
            } else {
                resources.add((HasMetadata) parsed);
            }
        }
        return resources;
    }

    private static <T extends HasMetadata> T only(Class<T> type) throws IOException {
        List<T> found = resources().stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    /**
     * fabric8's model keeps a field it does not know in {@code additionalProperties} instead of
     * failing: every such entry, anywhere in the tree, is an unknown field.
     */
    private static void unknownFields(Object node, String path, List<String> found) throws Exception {
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", found);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), found);
            }
            return;
        }
        if (node == null || !node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object value = getter.invoke(node);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    found.add(path + ": " + new TreeSet<>(extra.keySet().stream().map(String::valueOf).toList()));
                }
            } else {
                unknownFields(value, path + "." + getter.getName().substring(3), found);
            }
        }
    }
}
