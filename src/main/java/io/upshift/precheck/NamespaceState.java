package io.upshift.precheck;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/**
 * What one read of each kind of object in a namespace gives: the pre-checks judge only this.
 * {@code statefulSets}: their Deployment-shaped views ({@code StatefulSetRules.asDeployment}), read only
 * when a service of the namespace runs as a StatefulSet.
 */
public record NamespaceState(String namespace, Map<String, Deployment> deployments, List<PodDisruptionBudget> budgets,
        List<ResourceQuota> quotas, Map<String, Deployment> statefulSets) {

    public NamespaceState(String namespace, Map<String, Deployment> deployments, List<PodDisruptionBudget> budgets,
            List<ResourceQuota> quotas) {
        this(namespace, deployments, budgets, quotas, Map.of());
    }

    /** The service's workload (its kind's), null when the namespace has none of that name. */
    public Deployment workload(io.upshift.upgrade.UpgradePlan.PlannedService s) {
        return (s.kind() == io.upshift.version.WorkloadKind.STATEFUL_SET ? statefulSets : deployments).get(s.deployment());
    }

    public NamespaceState {
        statefulSets = Map.copyOf(statefulSets);
        deployments = Map.copyOf(deployments);
        budgets = List.copyOf(budgets);
        quotas = List.copyOf(quotas);
    }
}
