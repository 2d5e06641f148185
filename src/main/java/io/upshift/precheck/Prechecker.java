package io.upshift.precheck;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.upshift.kubernetes.ApiRetry;
import io.upshift.Failures;
import io.upshift.RejectedException;
import io.upshift.kubernetes.DeploymentRules;
import io.upshift.kubernetes.StatefulSetRules;
import io.upshift.store.UpgradeRecords;
import io.upshift.upgrade.UpgradePlan;
import io.upshift.upgrade.UpgradeRecord;
import io.upshift.version.VersionStore;
import io.upshift.version.VersionSummary;

/**
 * Runs the pre-checks of a plan: one read of each kind of object per namespace (Deployments,
 * PodDisruptionBudgets, ResourceQuotas, the reads in parallel), then the pure {@link Prechecks}.
 * Used by the dry run, by an HTTP request before it is accepted ({@link #gate}) and by the
 * lifecycle's {@code PRECHECKING} stage. Changes nothing.
 */
public class Prechecker {

    private final KubernetesClient client;
    private final UpgradeRecords upgrades;
    private final VersionStore versions;
    private final IntOrString maxSurge;
    private final ApiRetry reads;

    /** {@code reads}: the pool the reads run on in parallel, each retried as {@code retry} says. */
    public Prechecker(KubernetesClient client, UpgradeRecords upgrades, VersionStore versions, String maxSurge,
            Executor reads, ApiRetry retry) {
        this.client = client;
        this.upgrades = upgrades;
        this.versions = versions;
        this.maxSurge = DeploymentRules.intOrPercent(maxSurge);
        this.reads = retry.on(reads);
    }

    /**
     * The report for a plan. {@code upgradeId} is the upgrade the checks are for (not counted as
     * another upgrade in progress); {@code acceptedAt} is when it was accepted (null before).
     */
    public PrecheckReport check(UpgradePlan plan, String upgradeId, Instant acceptedAt) {
        Set<String> namespaces = new LinkedHashSet<>();
        plan.services().forEach(s -> namespaces.add(s.namespace()));
        Map<String, CompletableFuture<NamespaceState>> states = new HashMap<>();
        namespaces.forEach(ns -> states.put(ns, read(ns, plan.services().stream().anyMatch(s -> s.namespace().equals(ns)
                && s.kind() == io.upshift.version.WorkloadKind.STATEFUL_SET))));
        List<Check> checks = new ArrayList<>();
        for (UpgradePlan.PlannedService s : plan.services()) {
            checks.addAll(Prechecks.service(s, plan.mode(), maxSurge, join(states.get(s.namespace()))));
        }
        List<String> others = upgrades.activeIds().stream().filter(id -> !id.equals(upgradeId)).toList();
        Instant updatedAt = versions.list().stream().filter(v -> v.version().equals(plan.targetVersion()))
                .map(VersionSummary::updatedAt).findFirst().orElse(null);
        checks.add(Prechecks.configUnchanged(plan.targetVersion(), others, updatedAt, acceptedAt));
        return new PrecheckReport(checks);
    }

    /** The PRECHECKING stage's report for an accepted upgrade (its own lock and acceptance time excepted). */
    public PrecheckReport check(UpgradeRecord record) {
        List<UpgradePlan.PlannedService> services = record.services().stream()
                .map(s -> new UpgradePlan.PlannedService(s.name(), s.namespace(), s.deployment(), s.container(),
                        s.dependsOn(), s.fromImage(), s.toImage(), s.replicas() == null ? 0 : s.replicas(), false,
                        s.fromSpec(), s.toSpec(), s.change(), s.kind()))
                .toList();
        return check(new UpgradePlan(record.fromVersion(), record.targetVersion(), record.requestedMode(),
                record.mode(), record.modeReason(), services, null), record.id(), record.createdAt());
    }

    /** The plan with its report, for the dry run: nothing is refused, the plan lists the checks. */
    public UpgradePlan dryRun(UpgradePlan plan, String upgradeId) {
        return plan.withPrechecks(check(plan, upgradeId, null));
    }

    /**
     * For a request that can be answered at once (HTTP): 409 {@code PRECHECK_FAILED} listing every
     * failed check, or 400 {@code WARNINGS_NOT_ACCEPTED} naming the warnings when the request did not
     * set {@code acceptWarnings}; else the plan with its report.
     */
    public UpgradePlan gate(UpgradePlan plan, String upgradeId) {
        PrecheckReport report = check(plan, upgradeId, null);
        refusal(report, plan.request() == null || plan.request().warningsAccepted()).ifPresent(e -> {
            throw e;
        });
        return plan.withPrechecks(report);
    }

    /** Why a report stops an upgrade, if it does: failed checks first, then warnings not accepted. */
    public static Optional<RejectedException> refusal(PrecheckReport report, boolean warningsAccepted) {
        if (!report.failed().isEmpty()) {
            return Optional.of(new RejectedException(RejectedException.Code.PRECHECK_FAILED,
                    "pre-checks failed", report.failed().stream().map(Check::line).toList(), Map.of("prechecks", report)));
        }
        if (!report.warnings().isEmpty() && !warningsAccepted) {
            return Optional.of(new RejectedException(RejectedException.Code.WARNINGS_NOT_ACCEPTED,
                    "pre-check warnings not accepted",
                    report.warnings().stream().map(c -> c.line() + " (set acceptWarnings to go on)").toList(),
                    Map.of("prechecks", report)));
        }
        return Optional.empty();
    }

    private CompletableFuture<NamespaceState> read(String ns, boolean withStatefulSets) {
        CompletableFuture<Map<String, Deployment>> statefulSets = !withStatefulSets
                ? CompletableFuture.completedFuture(Map.of())
                : reads.call("pre-checks: list StatefulSets in " + ns, () -> client.apps().statefulSets().inNamespace(ns)
                        .list().getItems().stream().collect(Collectors.toMap(s -> s.getMetadata().getName(),
                                s -> StatefulSetRules.asDeployment(s, DeploymentRules.DEFAULT_PROGRESS_DEADLINE_SECONDS))));
        CompletableFuture<Map<String, Deployment>> deployments = reads.call("pre-checks: list Deployments in " + ns,
                () -> client.apps().deployments().inNamespace(ns).list().getItems().stream()
                        .collect(Collectors.toMap(d -> d.getMetadata().getName(), Function.identity())));
        var budgets = reads.call("pre-checks: list PodDisruptionBudgets in " + ns,
                () -> client.policy().v1().podDisruptionBudget().inNamespace(ns).list().getItems());
        var quotas = reads.call("pre-checks: list ResourceQuotas in " + ns,
                () -> client.resourceQuotas().inNamespace(ns).list().getItems());
        return CompletableFuture.allOf(deployments, budgets, quotas, statefulSets)
                .thenApply(v -> new NamespaceState(ns, deployments.join(), budgets.join(), quotas.join(),
                        statefulSets.join()));
    }

    private static NamespaceState join(CompletableFuture<NamespaceState> state) {
        try {
            return state.join();
        } catch (CompletionException e) {
            throw Failures.unwrap(e) instanceof RuntimeException r ? r : e;
        }
    }
}
