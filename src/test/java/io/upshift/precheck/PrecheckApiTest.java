package io.upshift.precheck;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.upshift.UpshiftTestSupport;
import io.upshift.kubernetes.DeploymentRules;
import io.upshift.sandbox.SandboxDeploymentController;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pre-checks through HTTP on the sandbox: each check passes on the seeded platform, warns or
 * fails once the cluster is changed the way an operator would find it, and a refused upgrade
 * changes nothing (read back with the Kubernetes API). The tests build on each other's cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrecheckApiTest extends UpshiftTestSupport {

    private static final String NS = "platform";
    private static final List<String> SERVICES = List.of("config-center", "auth", "metadata", "scheduler",
            "data-service", "gateway", "web-console");
    private static final String REQUEST = "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true}";
    private static final String ACCEPTING = "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true,\"acceptWarnings\":true}";

    @Test
    @Order(1)
    void theDryRunListsEveryCheckAndTheImpact() throws Exception {
        post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml"));
        JsonNode plan = body(postJson("/api/upgrades?dryRun=true", REQUEST));
        assertThat(plan.path("impact").asText()).startsWith("Services and their API calls stay available");
        JsonNode report = plan.path("prechecks");
        assertThat(report.path("verdict").asText()).isEqualTo("passed");
        assertThat(report.path("checks")).hasSize(SERVICES.size() * 8 + 1);
        assertThat(report.path("checks").findValuesAsText("result")).containsOnly("pass");
        assertThat(report.path("checks").findValuesAsText("id")).containsOnly("deployment-exists", "container-exists",
                "no-foreign-rollout", "replicas-for-zero-downtime", "readiness-probe", "disruption-budget",
                "surge-capacity", "image-changes", "config-unchanged-during-upgrade");
        JsonNode first = report.path("checks").get(0);
        assertThat(first.path("severity").asText()).isEqualTo("block");
        assertThat(first.path("service").asText()).isEqualTo("config-center");
        assertThat(first.path("detail").asText()).isEqualTo("config-center: Deployment platform/config-center found");
        assertThat(detail(report, "image-changes", "auth"))
                .isEqualTo("auth: registry.upshift.local/dataphin/auth:5.1.2.02 → registry.upshift.local/dataphin/auth:5.1.2.04");

        JsonNode downtime = body(postJson("/api/upgrades?dryRun=true",
                "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true,\"mode\":\"downtime\"}"));
        assertThat(downtime.path("impact").asText()).startsWith("Every service is stopped from the first scale-down");
    }

    @Test
    @Order(2)
    void warningsAreRefusedWithoutAcceptWarnings() throws Exception {
        KubernetesClient k = kubernetes();
        k.apps().deployments().inNamespace(NS).withName("auth").edit(d -> {
            d.getSpec().getTemplate().getSpec().getContainers().forEach(c -> c.setReadinessProbe(null));
            return d;
        });
        k.apps().deployments().inNamespace(NS).withName("gateway").edit(d -> {
            d.getSpec().setReplicas(1);
            return d;
        });
        k.policy().v1().podDisruptionBudget().inNamespace(NS).withName("scheduler").delete();
        awaitRolledOut("auth", "gateway");
        Map<String, Long> generations = generations();

        HttpResponse<String> refused = postJson("/api/upgrades", REQUEST);
        assertThat(refused.statusCode()).isEqualTo(400);
        JsonNode why = body(refused);
        assertThat(why.path("code").asText()).isEqualTo("WARNINGS_NOT_ACCEPTED");
        assertThat(why.path("reasons").toString()).contains(
                "readiness-probe: auth: 1 of 1 containers have no readiness probe (auth): without one, ready means started",
                "replicas-for-zero-downtime: gateway: 1 replica: it stays available only through the surge pod",
                "disruption-budget: scheduler: none of the 6 PodDisruptionBudgets in platform selects its pods {app=scheduler}");
        assertThat(why.path("reasons")).hasSize(3);
        assertThat(why.path("prechecks").path("verdict").asText()).isEqualTo("warnings");
        assertThat(generations()).isEqualTo(generations);
        assertThat(body(get("/api/upgrades")).size()).isZero();
        assertThat(body(get("/api/platform")).path("upgradeInProgress").isNull()).isTrue();

        JsonNode accepted = body(postJson("/api/upgrades?dryRun=true", ACCEPTING));
        assertThat(accepted.path("prechecks").path("verdict").asText()).isEqualTo("warnings");
        HttpResponse<String> wrongType = postJson("/api/upgrades",
                "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true,\"acceptWarnings\":\"yes\"}");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        assertThat(body(wrongType).path("reasons").toString()).contains("acceptWarnings");
    }

    @Test
    @Order(3)
    void aBlockingFailureIsRefusedAtOnceWithEveryFailedCheckAndChangesNothing() throws Exception {
        KubernetesClient k = kubernetes();
        // someone else's rollout of data-service, whose new pods take an hour to become ready
        k.apps().deployments().inNamespace(NS).withName("data-service").edit(d -> {
            d.getMetadata().getAnnotations().put(SandboxDeploymentController.READINESS_DELAY_ANNOTATION, "1h");
            d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("registry.upshift.local/dataphin/data-service:hotfix");
            return d;
        });
        k.apps().deployments().inNamespace(NS).withName("web-console").delete();
        // a quota with no pod left, as the quota controller reports its usage
        ResourceQuota quota = k.resourceQuotas().inNamespace(NS).resource(new ResourceQuotaBuilder().withNewMetadata()
                .withName("platform-pods").withNamespace(NS).endMetadata().withNewSpec().addToHard("pods", new Quantity("13"))
                .endSpec().build()).create();
        k.resourceQuotas().inNamespace(NS).resource(new ResourceQuotaBuilder(quota).withNewStatus()
                .addToHard("pods", new Quantity("13")).addToUsed("pods", new Quantity("13")).endStatus().build()).updateStatus();
        await().atMost(Duration.ofSeconds(10)).until(() -> DeploymentRules.available(
                k.apps().deployments().inNamespace(NS).withName("data-service").get()) < 2
                || k.apps().deployments().inNamespace(NS).withName("data-service").get().getStatus().getUpdatedReplicas() > 0);
        Map<String, Long> generations = generations();
        Map<String, String> images = images();

        HttpResponse<String> refused = postJson("/api/upgrades", ACCEPTING);
        assertThat(refused.statusCode()).isEqualTo(409);
        JsonNode why = body(refused);
        assertThat(why.path("code").asText()).isEqualTo("PRECHECK_FAILED");
        assertThat(why.path("reasons").toString()).contains(
                "deployment-exists: web-console: Deployment platform/web-console not found in the cluster",
                "no-foreign-rollout: data-service: Deployment data-service is mid-rollout",
                "surge-capacity: config-center: no room for 1 surge pod: ResourceQuota platform-pods pods: used 13 + 1 × 1 > hard 13");
        assertThat(why.path("prechecks").path("verdict").asText()).isEqualTo("blocked");
        assertThat(generations()).isEqualTo(generations);
        assertThat(images()).isEqualTo(images);
        assertThat(body(get("/api/upgrades")).size()).isZero();
        assertThat(body(get("/api/platform")).path("upgradeInProgress").isNull()).isTrue();
    }

    @Test
    @Order(4)
    void anInboxRequestEndsFailedInPrecheckingWithTheReportInTheRecord() throws Exception {
        Map<String, String> images = images();
        drop("upgrade.yaml", "kind: UpgradeRequest\ntargetVersion: 5.1.2.04\nacceptRisk: true\nacceptWarnings: true\n"
                .getBytes());
        String id = await().atMost(Duration.ofSeconds(20)).until(() -> body(get("/api/upgrades")), r -> r.size() == 1)
                .get(0).path("id").asText();
        JsonNode record = awaitUpgrade(id, "FAILED");
        assertThat(record.path("message").asText()).startsWith("pre-checks failed: ")
                .contains("deployment-exists: web-console").endsWith("; nothing in the cluster was changed");
        assertThat(record.path("prechecks").path("verdict").asText()).isEqualTo("blocked");
        assertThat(record.path("services").findValuesAsText("state")).containsOnly("NOT_STARTED");
        assertThat(images()).isEqualTo(images);
        assertThat(get("/api/upgrades/" + id + "/logs").body()).contains("pre-checks: 50 run, ");
        HttpResponse<String> resume = postJson("/api/upgrades/" + id + "/resume", "");
        assertThat(resume.statusCode()).isEqualTo(409);
        assertThat(body(resume).path("code").asText()).isEqualTo("ACTION_NOT_ALLOWED");
    }

    private static String detail(JsonNode report, String check, String service) {
        for (JsonNode c : report.path("checks")) {
            if (c.path("id").asText().equals(check) && c.path("service").asText().equals(service)) {
                return c.path("detail").asText();
            }
        }
        throw new AssertionError("no " + check + " for " + service);
    }

    private void awaitRolledOut(String... names) {
        for (String name : names) {
            await().atMost(Duration.ofSeconds(10)).until(() -> DeploymentRules.rolledOut(
                    kubernetes().apps().deployments().inNamespace(NS).withName(name).get()));
        }
    }

    private Map<String, Long> generations() {
        Map<String, Long> byName = new HashMap<>();
        for (Deployment d : kubernetes().apps().deployments().inNamespace(NS).list().getItems()) {
            byName.put(d.getMetadata().getName(), DeploymentRules.generation(d));
        }
        return byName;
    }

    private Map<String, String> images() {
        Map<String, String> byName = new HashMap<>();
        for (Deployment d : kubernetes().apps().deployments().inNamespace(NS).list().getItems()) {
            byName.put(d.getMetadata().getName(), d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
        }
        return byName;
    }
}
