package io.upshift.upgrade;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upgrades that change more than images (issue 13), through HTTP on the sandbox: a service's env,
 * resources, args, replicas and ConfigMap set in one guarded change and read back through the
 * Kubernetes API; a failed upgrade puts the whole previous spec back, field by field.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReleaseUpgradeTest extends UpshiftTestSupport {

    /** metadata's whole spec in a version config, at a version ({@code %1$s}). */
    private static final String METADATA = String.join("\n",
            "  - name: metadata",
            "    image: registry.upshift.local/dataphin/metadata:%1$s",
            "    dependsOn: [config-center]",
            "    replicas: 3",
            "    args: [--pool=20]",
            "    env:",
            "      DB_POOL_SIZE: \"20\"",
            "      DB_PASSWORD: {valueFrom: {secretKeyRef: {name: metadata-db, key: password}}}",
            "      FEATURES: {valueFrom: {configMapKeyRef: {name: metadata-config, key: features}}}",
            "    resources:",
            "      requests: {cpu: 500m, memory: 1Gi}",
            "      limits: {memory: 2Gi}",
            "    configMaps:",
            "      metadata-config: {features: \"lineage,stats\", cache.size: \"4096\"}",
            "      metadata-extra: {added: \"yes\"}",
            "");

    @Override
    protected Properties settings() {
        Properties p = new Properties();
        p.setProperty("upshift.sandbox.progress-deadline-seconds", "1");
        p.setProperty("upshift.rollout.deadline-grace", "500ms");
        return p;
    }

    /** 5.1.2.04's services with metadata's whole spec, at {@code version}; gateway's image tag as given. */
    private byte[] release(String version, String gatewayTag) throws Exception {
        String base = new String(example("platform-5.1.2.04.yaml")).replace("5.1.2.04", version);
        String metadata = "  - name: metadata\n    image: registry.upshift.local/dataphin/metadata:" + version
                + "\n    dependsOn: [config-center]\n";
        assertThat(base).contains(metadata);
        return base.replace(metadata, METADATA.formatted(version)).replace("gateway:" + version, "gateway:" + gatewayTag)
                .getBytes();
    }

    private Deployment metadata() {
        return kubernetes().apps().deployments().inNamespace("platform").withName("metadata").get();
    }

    private ConfigMap configMap(String name) {
        return kubernetes().configMaps().inNamespace("platform").withName(name).get();
    }

    private void seedMetadataSpec() {
        kubernetes().apps().deployments().inNamespace("platform").withName("metadata").edit(d -> {
            Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            c.setEnv(List.of(new EnvVarBuilder().withName("DB_POOL_SIZE").withValue("5").build(),
                    new EnvVarBuilder().withName("LEGACY_MODE").withValue("on").build()));
            c.setArgs(List.of("--pool=5"));
            c.setResources(new io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder()
                    .addToRequests("cpu", new Quantity("100m")).build());
            return d;
        });
        kubernetes().configMaps().inNamespace("platform").resource(new ConfigMapBuilder().withNewMetadata()
                .withName("metadata-config").endMetadata().withData(Map.of("features", "none")).build()).create();
        // the edit rolls metadata: until it is rolled out, the pre-check no-foreign-rollout refuses the upgrade (409)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> io.upshift.kubernetes.DeploymentRules.rolledOut(metadata()));
    }

    @Test
    @Order(1)
    void aFailedUpgradePutsBackTheWholePreviousSpecFieldByField() throws Exception {
        assertThat(post("/api/versions", "application/yaml", example("platform-5.1.2.02.yaml")).statusCode()).isIn(200, 201);
        seedMetadataSpec();
        Deployment before = metadata();
        Container was = before.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(post("/api/versions", "application/yaml", release("5.1.2.03", "broken-5.1.2.03")).statusCode())
                .isIn(200, 201);

        String id = body(postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.03\",\"acceptRisk\":true}")).path("id").asText();
        JsonNode ended = awaitUpgrade(id, "ROLLED_BACK");

        JsonNode metadataLine = null;
        for (JsonNode s : ended.path("services")) {
            if (s.path("name").asText().equals("metadata")) {
                metadataLine = s;
            }
        }
        assertThat(metadataLine.path("state").asText()).isEqualTo("ROLLED_BACK");
        assertThat(metadataLine.at("/fromSpec/env/1/name").asText()).isEqualTo("LEGACY_MODE");
        assertThat(metadataLine.at("/toSpec/replicas").asInt()).isEqualTo(3);
        Deployment after = metadata();
        Container now = after.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(now.getImage()).isEqualTo(was.getImage());
        assertThat(now.getEnv()).isEqualTo(was.getEnv());
        assertThat(now.getArgs()).isEqualTo(was.getArgs());
        assertThat(now.getResources().getRequests()).isEqualTo(was.getResources().getRequests());
        assertThat(now.getResources().getLimits()).isNullOrEmpty();
        assertThat(after.getSpec().getReplicas()).isEqualTo(before.getSpec().getReplicas());
        assertThat(configMap("metadata-config").getData()).isEqualTo(Map.of("features", "none"));
        assertThat(configMap("metadata-extra")).as("created by the upgrade, deleted by its rollback").isNull();
        assertThat(get("/api/upgrades/" + id + "/logs").body()).contains("metadata: rolled back");
    }

    @Test
    @Order(2)
    void anUpgradeSetsEnvResourcesArgsReplicasAndConfigMapsInOneChange() throws Exception {
        long generation = metadata().getMetadata().getGeneration();
        assertThat(post("/api/versions", "application/yaml", release("5.1.2.05", "5.1.2.05")).statusCode()).isIn(200, 201);

        String id = body(postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.05\",\"acceptRisk\":true}")).path("id").asText();
        awaitUpgrade(id, "SUCCEEDED");

        Deployment d = metadata();
        Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(d.getMetadata().getGeneration()).as("one spec change: one generation").isEqualTo(generation + 1);
        assertThat(c.getImage()).isEqualTo("registry.upshift.local/dataphin/metadata:5.1.2.05");
        assertThat(c.getEnv()).containsExactly(
                new EnvVarBuilder().withName("DB_POOL_SIZE").withValue("20").build(),
                new EnvVarBuilder().withName("DB_PASSWORD").withNewValueFrom()
                        .withNewSecretKeyRef("password", "metadata-db", null).endValueFrom().build(),
                new EnvVarBuilder().withName("FEATURES").withNewValueFrom()
                        .withNewConfigMapKeyRef("features", "metadata-config", null).endValueFrom().build());
        assertThat(c.getArgs()).containsExactly("--pool=20");
        assertThat(c.getResources().getRequests()).isEqualTo(Map.of("cpu", new Quantity("500m"), "memory", new Quantity("1Gi")));
        assertThat(c.getResources().getLimits()).isEqualTo(Map.of("memory", new Quantity("2Gi")));
        assertThat(d.getSpec().getReplicas()).isEqualTo(3);
        assertThat(d.getStatus().getReadyReplicas()).isEqualTo(3);
        assertThat(configMap("metadata-config").getData()).isEqualTo(Map.of("features", "lineage,stats", "cache.size", "4096"));
        assertThat(configMap("metadata-extra").getData()).isEqualTo(Map.of("added", "yes"));
        assertThat(get("/api/upgrades/" + id + "/logs").body())
                .contains("metadata: rolled from registry.upshift.local/dataphin/metadata:5.1.2.02 to"
                        + " registry.upshift.local/dataphin/metadata:5.1.2.05 with its env, resources, args, replicas,"
                        + " ConfigMaps");
    }

    @Test
    @Order(3)
    void theSnapshotIsTheVersionConfigOfWhatRunsNow() throws Exception {
        HttpResponse<String> response = get("/api/platform/snapshot");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode snapshot = body(response);
        assertThat(snapshot.path("version").asText()).isEqualTo("5.1.2.05");
        assertThat(snapshot.path("services")).hasSize(7);
        JsonNode metadata = snapshot.path("services").get(2);
        assertThat(metadata.path("name").asText()).isEqualTo("metadata");
        assertThat(metadata.path("image").asText()).isEqualTo("registry.upshift.local/dataphin/metadata:5.1.2.05");
        assertThat(metadata.path("replicas").asInt()).isEqualTo(3);
        assertThat(metadata.path("env")).isEqualTo(json.readTree("""
                {"DB_POOL_SIZE": "20", "DB_PASSWORD": {"valueFrom": {"secretKeyRef": {"name": "metadata-db", "key": "password"}}},
                 "FEATURES": {"valueFrom": {"configMapKeyRef": {"name": "metadata-config", "key": "features"}}}}"""));
        assertThat(metadata.path("resources")).isEqualTo(json.readTree(
                "{\"requests\": {\"cpu\": \"500m\", \"memory\": \"1Gi\"}, \"limits\": {\"memory\": \"2Gi\"}}"));
        assertThat(metadata.path("dependsOn")).isEqualTo(json.readTree("[\"config-center\"]"));
        // it reads back as a version config: an operator starts the next release from it
        assertThat(post("/api/versions", "application/json", snapshot.toString().replace("5.1.2.05", "5.1.2.06")
                .getBytes()).statusCode()).isEqualTo(201);
    }
}
