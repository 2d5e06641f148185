package io.upshift.upgrade;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13's acceptance test, through HTTP on the sandbox: a release that changes env and resources
 * of one service, adds one from its template, retires one with prune and runs a before-job. With a
 * failing after-job the whole set is rolled back (the created service deleted, the retired one back
 * with its replicas, every spec equal to before, field by field); without it every object reads back
 * through the Kubernetes API as the version config says.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReleaseServicesTest extends UpshiftTestSupport {

    /** From 5.1.2.02: metadata's env and resources, lineage new, scheduler retired (prune), a before-job. */
    private static byte[] release(String version, String afterJobImage) throws Exception {
        String base = new String(example("platform-5.1.2.02.yaml")).replace("5.1.2.02", version);
        String scheduler = "  - name: scheduler\n    image: registry.upshift.local/dataphin/scheduler:" + version
                + "\n    dependsOn: [metadata]\n";
        String metadata = "    dependsOn: [config-center]\n";
        assertThat(base).contains(scheduler).contains(metadata);
        String services = base.replace(scheduler, String.join("\n",
                "  - name: lineage",
                "    image: registry.upshift.local/dataphin/lineage:" + version,
                "    dependsOn: [metadata]",
                "    replicas: 2",
                "    env: {METADATA_URL: \"http://metadata:8080\"}",
                "    template:",
                "      labels: {tier: backend}",
                "      ports: [{name: http, containerPort: 8080, servicePort: 80}]",
                "      readinessProbe: {path: /ready, port: 8080, periodSeconds: 5}",
                "")).replace(metadata, String.join("\n",
                "    dependsOn: [config-center]",
                "    env: {DB_POOL_SIZE: \"20\"}",
                "    resources: {requests: {cpu: 500m, memory: 1Gi}, limits: {memory: 2Gi}}",
                ""));
        return (services + String.join("\n",
                "prune: true",
                "jobs:",
                "  before:",
                "    - name: migrate-" + version.replace('.', '-'),
                "      image: registry.upshift.local/dataphin/migrations:" + version,
                afterJobImage == null ? "" : "  after:\n    - name: check-" + version.replace('.', '-')
                        + "\n      image: " + afterJobImage + "\n      command: [/check]",
                "")).getBytes();
    }

    private Deployment deployment(String name) {
        return kubernetes().apps().deployments().inNamespace("platform").withName(name).get();
    }

    private Service service(String name) {
        return kubernetes().services().inNamespace("platform").withName(name).get();
    }

    private static Container container(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    /** The record's line of a service (the other Release tests read it the same way). */
    static JsonNode line(JsonNode record, String name) {
        for (JsonNode s : record.path("services")) {
            if (s.path("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no service " + name + " in " + record);
    }

    private String upgrade(String version) throws Exception {
        return body(postJson("/api/upgrades", "{\"targetVersion\":\"" + version + "\",\"acceptRisk\":true}"))
                .path("id").asText();
    }

    @Test
    @Order(1)
    void aFailingAfterJobRollsTheWholeSetBack() throws Exception {
        assertThat(post("/api/versions", "application/yaml", example("platform-5.1.2.02.yaml")).statusCode()).isIn(200, 201);
        Deployment metadataBefore = deployment("metadata");
        Deployment configCenterBefore = deployment("config-center");
        Deployment schedulerBefore = deployment("scheduler");
        Service schedulerServiceBefore = service("scheduler");
        assertThat(schedulerBefore.getSpec().getReplicas()).isEqualTo(2);
        assertThat(post("/api/versions", "application/yaml", release("5.1.2.03",
                "registry.upshift.local/dataphin/check:broken-5.1.2.03")).statusCode()).isIn(200, 201);

        String id = upgrade("5.1.2.03");
        JsonNode ended = awaitUpgrade(id, "ROLLED_BACK");

        assertThat(ended.path("message").asText()).startsWith("job check-5-1-2-03 (after the services) failed:");
        assertThat(line(ended, "lineage").path("state").asText()).isEqualTo("ROLLED_BACK");
        assertThat(line(ended, "scheduler").path("state").asText()).isEqualTo("ROLLED_BACK");
        assertThat(line(ended, "metadata").path("state").asText()).isEqualTo("ROLLED_BACK");

        // the created service is deleted
        assertThat(deployment("lineage")).isNull();
        assertThat(service("lineage")).isNull();
        // the retired one (pruned) is back with its replicas, ready, its spec as before field by field
        Deployment scheduler = deployment("scheduler");
        assertThat(scheduler.getSpec().getReplicas()).isEqualTo(2);
        assertThat(scheduler.getStatus().getReadyReplicas()).isEqualTo(2);
        assertThat(scheduler.getSpec().getSelector()).isEqualTo(schedulerBefore.getSpec().getSelector());
        assertThat(scheduler.getSpec().getTemplate()).isEqualTo(schedulerBefore.getSpec().getTemplate());
        assertThat(scheduler.getMetadata().getLabels()).isEqualTo(schedulerBefore.getMetadata().getLabels());
        Service schedulerService = service("scheduler");
        assertThat(schedulerService.getSpec().getPorts()).isEqualTo(schedulerServiceBefore.getSpec().getPorts());
        assertThat(schedulerService.getSpec().getSelector()).isEqualTo(schedulerServiceBefore.getSpec().getSelector());
        // the changed one has its whole previous spec again
        Deployment metadata = deployment("metadata");
        assertThat(metadata.getSpec().getTemplate()).isEqualTo(metadataBefore.getSpec().getTemplate());
        assertThat(metadata.getSpec().getReplicas()).isEqualTo(metadataBefore.getSpec().getReplicas());
        // and its strategy: the rolling steps set Upshift's maxSurge/maxUnavailable, the rollback puts the seeded 25%/25% back
        assertThat(metadataBefore.getSpec().getStrategy().getRollingUpdate().getMaxSurge()).isEqualTo(new IntOrString("25%"));
        assertThat(metadata.getSpec().getStrategy()).isEqualTo(metadataBefore.getSpec().getStrategy());
        assertThat(deployment("config-center").getSpec().getStrategy()).isEqualTo(configCenterBefore.getSpec().getStrategy());
        assertThat(deployment("config-center").getSpec().getTemplate()).isEqualTo(configCenterBefore.getSpec().getTemplate());
        for (String s : List.of("config-center", "auth", "data-service", "gateway")) {
            assertThat(container(deployment(s)).getImage()).isEqualTo("registry.upshift.local/dataphin/" + s + ":5.1.2.02");
        }
        String log = get("/api/upgrades/" + id + "/logs").body();
        assertThat(log).contains("lineage: deleting what this upgrade created",
                "scheduler: bringing back the retired service at registry.upshift.local/dataphin/scheduler:5.1.2.02"
                        + " with 2 replicas (created again if it was deleted)",
                "scheduler: created Deployment platform/scheduler again as it was before it was pruned");
    }

    @Test
    @Order(2)
    void aReleaseChangesCreatesRetiresAndMigratesAndEveryObjectReadsBack() throws Exception {
        assertThat(post("/api/versions", "application/yaml", release("5.1.2.04", null)).statusCode()).isIn(200, 201);

        String id = upgrade("5.1.2.04");
        JsonNode ended = awaitUpgrade(id, "SUCCEEDED");

        // changed in place: env and resources
        Container metadata = container(deployment("metadata"));
        assertThat(metadata.getImage()).isEqualTo("registry.upshift.local/dataphin/metadata:5.1.2.04");
        assertThat(metadata.getEnv()).containsExactly(new EnvVarBuilder().withName("DB_POOL_SIZE").withValue("20").build());
        assertThat(metadata.getResources().getRequests()).isEqualTo(Map.of("cpu", new Quantity("500m"),
                "memory", new Quantity("1Gi")));
        assertThat(metadata.getResources().getLimits()).isEqualTo(Map.of("memory", new Quantity("2Gi")));

        // created from its template, after metadata, and ready
        Deployment lineage = deployment("lineage");
        assertThat(lineage.getSpec().getReplicas()).isEqualTo(2);
        assertThat(lineage.getStatus().getReadyReplicas()).isEqualTo(2);
        assertThat(lineage.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "upshift");
        assertThat(lineage.getSpec().getTemplate().getMetadata().getLabels())
                .isEqualTo(Map.of("app", "lineage", "tier", "backend"));
        Container c = container(lineage);
        assertThat(c.getName()).isEqualTo("lineage");
        assertThat(c.getImage()).isEqualTo("registry.upshift.local/dataphin/lineage:5.1.2.04");
        assertThat(c.getEnv()).containsExactly(new EnvVarBuilder().withName("METADATA_URL")
                .withValue("http://metadata:8080").build());
        assertThat(c.getPorts()).singleElement().satisfies(p -> assertThat(p.getContainerPort()).isEqualTo(8080));
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
        Service lineageService = service("lineage");
        assertThat(lineageService.getSpec().getSelector()).isEqualTo(Map.of("app", "lineage"));
        assertThat(lineageService.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getPort()).isEqualTo(80);
            assertThat(p.getTargetPort()).isEqualTo(new IntOrString(8080));
        });

        // retired and pruned
        assertThat(deployment("scheduler")).isNull();
        assertThat(service("scheduler")).isNull();
        assertThat(line(ended, "scheduler").path("message").asText())
                .isEqualTo("retired: scaled down from 2 to 0 replicas, then its Deployment and Service deleted (prune)");

        // the before-job ran first, and its Job reads back
        assertThat(kubernetes().batch().v1().jobs().inNamespace("platform")
                .withName("migrate-5-1-2-04-" + id.toLowerCase() + "-1").get().getStatus().getSucceeded()).isEqualTo(1);
        String log = get("/api/upgrades/" + id + "/logs").body();
        assertThat(log.indexOf("job migrate-5-1-2-04: succeeded")).isPositive()
                .isLessThan(log.indexOf("config-center: rolling update"));
        assertThat(log.indexOf("metadata: rolled from")).isPositive()
                .isLessThan(log.indexOf("lineage: creating from its template"));
        assertThat(log.indexOf("lineage: creating from its template")).isLessThan(log.indexOf("scheduler: retiring"));
        // what runs now, as a version config: lineage in it with what the cluster has, scheduler gone
        JsonNode snapshot = body(get("/api/platform/snapshot"));
        List<String> names = new java.util.ArrayList<>();
        snapshot.path("services").forEach(s -> names.add(s.path("name").asText()));
        assertThat(names).contains("lineage").doesNotContain("scheduler");
    }

    @Test
    @Order(3)
    void theRollbackActionDeletesTheCreatedServiceAndBringsThePrunedOneBack() throws Exception {
        String original = body(get("/api/upgrades")).get(0).path("id").asText();
        assertThat(body(get("/api/upgrades/" + original)).path("targetVersion").asText()).isEqualTo("5.1.2.04");

        String rollback = body(postJson("/api/upgrades/" + original + "/rollback", "")).path("id").asText();
        JsonNode ended = awaitUpgrade(rollback, "SUCCEEDED");

        assertThat(line(ended, "lineage").path("message").asText())
                .isEqualTo("deleted its Deployment and Service (created by the upgrade)");
        assertThat(deployment("lineage")).isNull();
        assertThat(service("lineage")).isNull();
        Deployment scheduler = deployment("scheduler");
        assertThat(scheduler.getSpec().getReplicas()).isEqualTo(2);
        assertThat(scheduler.getStatus().getReadyReplicas()).isEqualTo(2);
        assertThat(container(scheduler).getImage()).isEqualTo("registry.upshift.local/dataphin/scheduler:5.1.2.02");
        assertThat(service("scheduler")).isNotNull();
        assertThat(container(deployment("metadata")).getResources()).as("none before 5.1.2.04, none again").isNull();
        assertThat(deployment("metadata").getSpec().getStrategy().getRollingUpdate().getMaxSurge())
                .as("the strategy 5.1.2.02 ran with").isEqualTo(new IntOrString("25%"));
    }

    @Test
    @Order(4)
    void aDowntimeRollbackDeletesTheCreatedServiceAndBringsThePrunedOneBack() throws Exception {
        Deployment metadataBefore = deployment("metadata");
        Deployment schedulerBefore = deployment("scheduler");
        assertThat(post("/api/versions", "application/yaml", release("5.1.2.05",
                "registry.upshift.local/dataphin/check:broken-5.1.2.05")).statusCode()).isIn(200, 201);

        String id = body(postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.05\",\"acceptRisk\":true,"
                + "\"mode\":\"DOWNTIME\"}")).path("id").asText();
        JsonNode ended = awaitUpgrade(id, "ROLLED_BACK");

        assertThat(ended.path("mode").asText()).isEqualTo("downtime");
        assertThat(ended.path("message").asText()).startsWith("job check-5-1-2-05 (after the services) failed:");
        assertThat(line(ended, "lineage").path("state").asText()).isEqualTo("ROLLED_BACK");
        // created while the platform was down, deleted by the rollback with its Service
        assertThat(deployment("lineage")).isNull();
        assertThat(service("lineage")).isNull();
        Deployment scheduler = deployment("scheduler");
        assertThat(scheduler.getSpec().getReplicas()).isEqualTo(2);
        assertThat(scheduler.getStatus().getReadyReplicas()).isEqualTo(2);
        assertThat(scheduler.getSpec().getTemplate()).isEqualTo(schedulerBefore.getSpec().getTemplate());
        Deployment metadata = deployment("metadata");
        assertThat(metadata.getSpec().getTemplate()).isEqualTo(metadataBefore.getSpec().getTemplate());
        assertThat(metadata.getSpec().getReplicas()).isEqualTo(2);
        assertThat(metadata.getSpec().getStrategy()).isEqualTo(metadataBefore.getSpec().getStrategy());
        assertThat(metadata.getStatus().getReadyReplicas()).isEqualTo(2);
        String log = get("/api/upgrades/" + id + "/logs").body();
        assertThat(log).contains("lineage: deleting what this upgrade created");
        assertThat(log.indexOf("lineage: creating from its template")).isPositive()
                .isLessThan(log.indexOf("lineage: deleting what this upgrade created"));
    }
}
