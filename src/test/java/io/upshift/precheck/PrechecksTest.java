package io.upshift.precheck;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.upshift.sandbox.SandboxCluster;
import io.upshift.upgrade.UpgradeMode;
import io.upshift.upgrade.UpgradePlan.PlannedService;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each pre-check's pass, warn and fail as a pure function of the objects one read gives. */
class PrechecksTest {

    private static final IntOrString SURGE_ONE = new IntOrString(1);
    private static final PlannedService AUTH = new PlannedService("auth", "platform", "auth", null, List.of(),
            "img/auth:1", "img/auth:2", 3, false);

    @Test
    void deploymentAndContainerExist() {
        assertThat(Prechecks.deploymentExists(AUTH, null))
                .isEqualTo(new Check("deployment-exists", Check.Severity.BLOCK, Check.Result.FAIL, "auth",
                        "auth: Deployment platform/auth not found in the cluster"));
        Deployment d = deployment(3, true, "auth");
        assertThat(Prechecks.service(AUTH, UpgradeMode.ZERO_DOWNTIME, SURGE_ONE, state(d, List.of(), List.of())))
                .extracting(Check::id, Check::result).contains(
                        org.assertj.core.groups.Tuple.tuple("deployment-exists", Check.Result.PASS),
                        org.assertj.core.groups.Tuple.tuple("container-exists", Check.Result.PASS));
        Deployment other = deployment(3, true, "gateway");
        Check missing = Prechecks.service(new PlannedService("auth", "platform", "auth", "auth", List.of(), null,
                "img/auth:2", 3, false), UpgradeMode.ZERO_DOWNTIME, SURGE_ONE, state(other, List.of(), List.of())).get(1);
        assertThat(missing.result()).isEqualTo(Check.Result.FAIL);
        assertThat(missing.detail()).isEqualTo("auth: no container auth in Deployment auth (it has gateway)");
    }

    @Test
    void foreignRollout() {
        Deployment steady = deployment(3, true, "auth");
        assertThat(Prechecks.noForeignRollout(AUTH, steady).result()).isEqualTo(Check.Result.PASS);
        Deployment rolling = new DeploymentBuilder(steady).editMetadata().withGeneration(5L).endMetadata()
                .editStatus().withObservedGeneration(4L).withUnavailableReplicas(1).endStatus().build();
        Check c = Prechecks.noForeignRollout(AUTH, rolling);
        assertThat(c.result()).isEqualTo(Check.Result.FAIL);
        assertThat(c.detail()).isEqualTo("auth: Deployment auth is mid-rollout: observedGeneration 4 < generation 5,"
                + " 1 unavailable replicas");
    }

    @Test
    void replicasForZeroDowntime() {
        Check one = Prechecks.replicasForZeroDowntime(AUTH, UpgradeMode.ZERO_DOWNTIME, deployment(1, true, "auth"));
        assertThat(one.result()).isEqualTo(Check.Result.WARN);
        assertThat(one.detail()).isEqualTo("auth: 1 replica: it stays available only through the surge pod"
                + " (at least 2 for zero downtime)");
        assertThat(Prechecks.replicasForZeroDowntime(AUTH, UpgradeMode.ZERO_DOWNTIME, deployment(2, true, "auth"))
                .result()).isEqualTo(Check.Result.PASS);
        assertThat(Prechecks.replicasForZeroDowntime(AUTH, UpgradeMode.DOWNTIME, deployment(1, true, "auth"))
                .result()).isEqualTo(Check.Result.PASS);
    }

    @Test
    void readinessProbe() {
        assertThat(Prechecks.readinessProbe(AUTH, deployment(3, true, "auth")).result()).isEqualTo(Check.Result.PASS);
        Check c = Prechecks.readinessProbe(AUTH, deployment(3, false, "auth"));
        assertThat(c.result()).isEqualTo(Check.Result.WARN);
        assertThat(c.detail()).isEqualTo("auth: 1 of 1 containers have no readiness probe (auth): without one,"
                + " ready means started");
    }

    @Test
    void disruptionBudgetSelectsByLabelsAndExpressions() {
        Deployment d = deployment(3, true, "auth");
        assertThat(Prechecks.disruptionBudget(AUTH, d, List.of()).result()).isEqualTo(Check.Result.WARN);
        assertThat(Prechecks.disruptionBudget(AUTH, d, List.of(SandboxCluster.disruptionBudget("gateway", "platform")))
                .detail()).isEqualTo("auth: none of the 1 PodDisruptionBudgets in platform selects its pods {app=auth}");
        PodDisruptionBudget own = SandboxCluster.disruptionBudget("auth", "platform");
        assertThat(Prechecks.disruptionBudget(AUTH, d, List.of(own)).result()).isEqualTo(Check.Result.PASS);
        assertThat(Prechecks.matches(new LabelSelectorBuilder().addNewMatchExpression().withKey("app")
                .withOperator("In").withValues("auth", "gateway").endMatchExpression().build(), Map.of("app", "auth")))
                .isTrue();
        assertThat(Prechecks.matches(new LabelSelectorBuilder().addNewMatchExpression().withKey("tier")
                .withOperator("Exists").endMatchExpression().build(), Map.of("app", "auth"))).isFalse();
    }

    @Test
    void surgeCapacityAgainstQuotaHardMinusUsed() {
        Deployment d = new DeploymentBuilder(deployment(3, true, "auth")).editSpec().editTemplate().editSpec()
                .editFirstContainer().withNewResources().addToRequests("cpu", new Quantity("500m"))
                .addToRequests("memory", new Quantity("256Mi")).endResources().endContainer().endSpec().endTemplate()
                .endSpec().build();
        assertThat(Prechecks.surgeCapacity(AUTH, UpgradeMode.ZERO_DOWNTIME, SURGE_ONE, d, List.of()).detail())
                .isEqualTo("auth: no ResourceQuota in platform limits its 1 surge pod");
        ResourceQuota roomy = quota("roomy", "10", "4", "9", "2");
        assertThat(Prechecks.surgeCapacity(AUTH, UpgradeMode.ZERO_DOWNTIME, SURGE_ONE, d, List.of(roomy)).detail())
                .isEqualTo("auth: room for 1 surge pod in 1 ResourceQuotas");
        ResourceQuota full = quota("full", "10", "10", "2", "1.8");
        Check c = Prechecks.surgeCapacity(AUTH, UpgradeMode.ZERO_DOWNTIME, SURGE_ONE, d, List.of(full));
        assertThat(c.result()).isEqualTo(Check.Result.FAIL);
        assertThat(c.detail()).isEqualTo("auth: no room for 1 surge pod: ResourceQuota full pods: used 10 + 1 × 1 > hard 10;"
                + " ResourceQuota full requests.cpu: used 1.8 + 1 × 0.5 > hard 2");
        assertThat(Prechecks.surgeCapacity(AUTH, UpgradeMode.ZERO_DOWNTIME, new IntOrString("50%"), d, List.of(roomy))
                .detail()).isEqualTo("auth: room for 2 surge pods in 1 ResourceQuotas");
        assertThat(Prechecks.surgeCapacity(AUTH, UpgradeMode.DOWNTIME, SURGE_ONE, d, List.of(full)).result())
                .isEqualTo(Check.Result.PASS);
    }

    @Test
    void imageChangesAndConfigUnchanged() {
        assertThat(Prechecks.imageChanges(AUTH, "img/auth:1").detail()).isEqualTo("auth: img/auth:1 → img/auth:2");
        assertThat(Prechecks.imageChanges(AUTH, "img/auth:2").detail())
                .isEqualTo("auth: already runs img/auth:2: ALREADY_AT_TARGET, skipped");
        java.time.Instant accepted = java.time.Instant.parse("2026-11-27T12:00:00Z");
        assertThat(Prechecks.configUnchanged("5.1.2.04", List.of(), accepted.minusSeconds(5), accepted).result())
                .isEqualTo(Check.Result.PASS);
        Check c = Prechecks.configUnchanged("5.1.2.04", List.of("upg-7"), accepted.plusSeconds(5), accepted);
        assertThat(c.result()).isEqualTo(Check.Result.FAIL);
        assertThat(c.detail()).isEqualTo("upgrade upg-7 in progress; the configuration of 5.1.2.04 was re-imported at"
                + " 2026-11-27T12:00:05Z, after the upgrade was accepted at 2026-11-27T12:00:00Z");
    }

    @Test
    void reportVerdictAndStopReason() {
        Check warn = Check.notPassed("readiness-probe", Check.Severity.WARN, "a", "a: no probe");
        Check fail = Check.notPassed("surge-capacity", Check.Severity.BLOCK, "b", "b: no room");
        assertThat(new PrecheckReport(List.of(warn)).verdict()).isEqualTo("warnings");
        assertThat(new PrecheckReport(List.of(warn)).stopReason(true)).isNull();
        assertThat(new PrecheckReport(List.of(warn)).stopReason(false))
                .isEqualTo("pre-check warnings not accepted (acceptWarnings): readiness-probe: a: no probe");
        assertThat(new PrecheckReport(List.of(warn, fail)).stopReason(true))
                .isEqualTo("pre-checks failed: surge-capacity: b: no room");
    }

    private static NamespaceState state(Deployment d, List<PodDisruptionBudget> budgets, List<ResourceQuota> quotas) {
        return new NamespaceState("platform", Map.of(d.getMetadata().getName(), d), budgets, quotas);
    }

    private static ResourceQuota quota(String name, String pods, String podsUsed, String cpu, String cpuUsed) {
        return new ResourceQuotaBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().addToHard("pods", new Quantity(pods)).addToHard("requests.cpu", new Quantity(cpu)).endSpec()
                .withNewStatus().addToUsed("pods", new Quantity(podsUsed)).addToUsed("requests.cpu", new Quantity(cpuUsed))
                .endStatus().build();
    }

    static Deployment deployment(int replicas, boolean probe, String container) {
        return new DeploymentBuilder().withNewMetadata().withName("auth").withNamespace("platform").withGeneration(2L)
                .endMetadata().withNewSpec().withReplicas(replicas).withNewTemplate().withNewMetadata()
                .addToLabels("app", "auth").endMetadata().withNewSpec().addNewContainer().withName(container)
                .withImage("img/auth:1").withReadinessProbe(probe ? SandboxCluster.readinessProbe() : null).endContainer()
                .endSpec().endTemplate().endSpec().withNewStatus().withObservedGeneration(2L).withReplicas(replicas)
                .withUpdatedReplicas(replicas).withReadyReplicas(replicas).withAvailableReplicas(replicas).endStatus()
                .build();
    }
}
