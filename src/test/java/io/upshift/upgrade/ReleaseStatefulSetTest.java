package io.upshift.upgrade;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.upshift.UpshiftTestSupport;
import io.upshift.kubernetes.Rollouts;
import io.upshift.kubernetes.StatefulSetRules;
import io.upshift.sandbox.PodTimeline;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * StatefulSets through HTTP on the sandbox (issue 13): the platform's {@code metadata} service runs as
 * a 3-replica StatefulSet. A zero-downtime upgrade replaces its pods one at a time, highest ordinal
 * first, with at least 2 of 3 ready throughout (judged from every watch event on its pods); a downtime
 * upgrade scales it to 0 and back; a step whose pods never get ready fails and is rolled back.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReleaseStatefulSetTest extends UpshiftTestSupport {

    private static final String METADATA = "  - name: metadata\n";
    private static final String CLAIMS = "    kind: StatefulSet\n    volumeClaimTemplates: [{name: data, storage: 1Gi}]\n";

    @Override
    protected Properties settings() {
        Properties p = new Properties();
        try {
            Path seed = work.resolve("seed-5.1.2.02.yaml");
            Files.write(seed, version("5.1.2.02", "5.1.2.02", ""));
            p.setProperty("upshift.sandbox.seed", seed.toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        p.setProperty("upshift.sandbox.replicas", "3");
        p.setProperty("upshift.rollout.stateful-set-progress-deadline", "2s");
        p.setProperty("upshift.rollout.deadline-grace", "0s");
        return p;
    }

    /** 5.1.2.02's platform as {@code version}, metadata a StatefulSet at {@code metadataTag} with {@code extra} lines. */
    private static byte[] version(String version, String metadataTag, String extra) throws Exception {
        String base = new String(example("platform-5.1.2.02.yaml"));
        assertThat(base).contains(METADATA);
        return base.replace("5.1.2.02", version).replace(METADATA, METADATA + CLAIMS + extra)
                .replace("dataphin/metadata:" + version, "dataphin/metadata:" + metadataTag).getBytes();
    }

    private StatefulSet metadata() {
        return kubernetes().apps().statefulSets().inNamespace("platform").withName("metadata").get();
    }

    private static Container container(StatefulSet s) {
        return s.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static JsonNode line(JsonNode record, String name) {
        return ReleaseServicesTest.line(record, name);
    }

    private String upgrade(String version, String mode) throws Exception {
        var response = postJson("/api/upgrades", "{\"targetVersion\":\"" + version + "\",\"acceptRisk\":true"
                + (mode == null ? "" : ",\"mode\":\"" + mode + "\"") + "}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return body(response).path("id").asText();
    }

    private void importVersion(byte[] config) throws Exception {
        var response = post("/api/versions", "application/yaml", config);
        assertThat(response.statusCode()).as(response.body()).isIn(200, 201);
    }

    @Test
    @Order(1)
    void aZeroDowntimeUpgradeReplacesOnePodAtATimeHighestOrdinalFirst() throws Exception {
        importVersion(version("5.1.2.02", "5.1.2.02", ""));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> metadata() != null && StatefulSetRules.rolledOut(metadata()));
        String revisionBefore = metadata().getStatus().getCurrentRevision();
        importVersion(version("5.1.2.03", "5.1.2.03", "    env: {DB_POOL_SIZE: \"20\"}\n"));

        JsonNode ended;
        try (PodTimeline pods = new PodTimeline(kubernetes(), "platform", "metadata", 3)) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> pods.readyNow() == 3);
            String id = upgrade("5.1.2.03", null);
            ended = awaitUpgrade(id, "SUCCEEDED");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> pods.readyNow() == 3);
            assertThat(pods.deleted()).as(pods.events().toString())
                    .containsExactly("metadata-2", "metadata-1", "metadata-0");
            assertThat(pods.minReady()).as(pods.events().toString()).isGreaterThanOrEqualTo(2);
        }
        assertThat(ended.path("mode").asText()).isEqualTo("zero-downtime");
        JsonNode metadataLine = line(ended, "metadata");
        assertThat(metadataLine.path("kind").asText()).isEqualTo("StatefulSet");
        assertThat(line(ended, "auth").path("kind").asText()).isEqualTo("Deployment");
        assertThat(metadataLine.path("minAvailable").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(ended.path("prechecks").path("checks").findValuesAsText("detail"))
                .contains("metadata: StatefulSet platform/metadata found",
                        "metadata: no surge pods (a StatefulSet replaces its pods one at a time)");
        StatefulSet after = metadata();
        assertThat(container(after).getImage()).isEqualTo("registry.upshift.local/dataphin/metadata:5.1.2.03");
        assertThat(container(after).getEnv()).containsExactly(new EnvVarBuilder().withName("DB_POOL_SIZE").withValue("20")
                .build());
        assertThat(after.getStatus().getCurrentRevision()).isEqualTo(after.getStatus().getUpdateRevision())
                .isNotEqualTo(revisionBefore);
        assertThat(after.getStatus().getUpdatedReplicas()).isEqualTo(3);
        assertThat(after.getSpec().getUpdateStrategy().getRollingUpdate().getPartition()).as("its strategy kept").isZero();
        assertThat(after.getSpec().getVolumeClaimTemplates()).singleElement()
                .satisfies(c -> assertThat(c.getMetadata().getName()).isEqualTo("data"));
        assertThat(after.getMetadata().getAnnotations()).containsEntry(Rollouts.TARGET_VERSION, "5.1.2.03");
    }

    @Test
    @Order(2)
    void aDowntimeUpgradeScalesTheStatefulSetToZeroAndBack() throws Exception {
        importVersion(version("5.1.2.04", "5.1.2.04", "    env: {DB_POOL_SIZE: \"20\"}\n"));
        JsonNode ended;
        try (PodTimeline pods = new PodTimeline(kubernetes(), "platform", "metadata", 3)) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> pods.readyNow() == 3);
            String id = upgrade("5.1.2.04", "DOWNTIME");
            ended = awaitUpgrade(id, "SUCCEEDED");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> pods.readyNow() == 3);
            assertThat(pods.minReady()).as("every pod stopped: " + pods.events()).isZero();
            assertThat(pods.deleted()).as(pods.events().toString())
                    .containsExactly("metadata-2", "metadata-1", "metadata-0");
        }
        assertThat(ended.path("mode").asText()).isEqualTo("downtime");
        assertThat(line(ended, "metadata").path("state").asText()).isEqualTo("SUCCEEDED");
        StatefulSet after = metadata();
        assertThat(after.getSpec().getReplicas()).isEqualTo(3);
        assertThat(after.getStatus().getReadyReplicas()).isEqualTo(3);
        assertThat(container(after).getImage()).isEqualTo("registry.upshift.local/dataphin/metadata:5.1.2.04");
        assertThat(after.getMetadata().getAnnotations()).containsEntry(Rollouts.REPLICAS_BEFORE_DOWNTIME, "3");
    }

    @Test
    @Order(3)
    void aStatefulSetWhosePodsNeverGetReadyFailsAndIsRolledBack() throws Exception {
        StatefulSet before = metadata();
        importVersion(version("5.1.2.05", "broken-5.1.2.05", "    env: {DB_POOL_SIZE: \"20\"}\n"));

        String id = upgrade("5.1.2.05", null);
        JsonNode ended = awaitUpgrade(id, "ROLLED_BACK");

        assertThat(line(ended, "metadata").path("state").asText()).isEqualTo("ROLLED_BACK");
        String log = get("/api/upgrades/" + id + "/logs").body();
        assertThat(log).contains("metadata: rollout of StatefulSet platform/metadata did not complete with no progress");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> StatefulSetRules.rolledOut(metadata()));
        StatefulSet after = metadata();
        assertThat(after.getSpec().getTemplate()).isEqualTo(before.getSpec().getTemplate());
        assertThat(after.getStatus().getReadyReplicas()).isEqualTo(3);
        assertThat(after.getStatus().getUpdateRevision()).isEqualTo(before.getStatus().getUpdateRevision());
        for (String s : List.of("config-center", "auth")) {
            assertThat(kubernetes().apps().deployments().inNamespace("platform").withName(s).get().getSpec().getTemplate()
                    .getSpec().getContainers().get(0).getImage()).isEqualTo("registry.upshift.local/dataphin/" + s + ":5.1.2.04");
        }
    }
}
