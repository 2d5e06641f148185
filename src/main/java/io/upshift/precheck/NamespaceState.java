package io.upshift.precheck;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/** What one read of each kind of object in a namespace gives: the pre-checks judge only this. */
public record NamespaceState(String namespace, Map<String, Deployment> deployments, List<PodDisruptionBudget> budgets,
        List<ResourceQuota> quotas) {

    public NamespaceState {
        deployments = Map.copyOf(deployments);
        budgets = List.copyOf(budgets);
        quotas = List.copyOf(quotas);
    }
}
