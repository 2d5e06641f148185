package io.upshift.precheck;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.upshift.kubernetes.DeploymentRules;
import io.upshift.upgrade.UpgradeMode;
import io.upshift.upgrade.UpgradePlan.PlannedService;

import static io.upshift.precheck.Check.Severity.BLOCK;
import static io.upshift.precheck.Check.Severity.WARN;

/**
 * The pre-checks as pure functions of what one read of the namespace gave (its Deployments,
 * PodDisruptionBudgets and ResourceQuotas): no clock, no cluster, tested without Camel.
 */
public final class Prechecks {

    public static final String DEPLOYMENT_EXISTS = "deployment-exists";
    public static final String CONTAINER_EXISTS = "container-exists";
    public static final String NO_FOREIGN_ROLLOUT = "no-foreign-rollout";
    public static final String REPLICAS_FOR_ZERO_DOWNTIME = "replicas-for-zero-downtime";
    public static final String READINESS_PROBE = "readiness-probe";
    public static final String DISRUPTION_BUDGET = "disruption-budget";
    public static final String SURGE_CAPACITY = "surge-capacity";
    public static final String IMAGE_CHANGES = "image-changes";
    public static final String CONFIG_UNCHANGED = "config-unchanged-during-upgrade";

    /** The quota resources a surge pod consumes, and how each pod's share is read from its containers. */
    private static final List<String> QUOTA_RESOURCES = List.of("pods", "requests.cpu", "requests.memory", "limits.cpu",
            "limits.memory", "cpu", "memory");

    private Prechecks() {
    }

    /**
     * Every check of one service. {@code maxSurge} is what the rolling step sets
     * ({@code upshift.rollout.max-surge}); a downtime upgrade creates no surge pods.
     */
    public static List<Check> service(PlannedService s, UpgradeMode mode, IntOrString maxSurge, NamespaceState ns) {
        List<Check> checks = new ArrayList<>();
        Deployment d = ns.workload(s);
        if (s.change() != null && s.change().creates()) {
            // created by the upgrade from its template: nothing of it runs yet (one that does is taken as it is)
            checks.add(Check.pass(DEPLOYMENT_EXISTS, BLOCK, s.name(), s.name() + ": Deployment " + s.namespace() + "/"
                    + s.deployment() + (d == null ? " is created by this upgrade from its template"
                            : " exists already: the upgrade changes it as the template says")));
            return checks;
        }
        checks.add(deploymentExists(s, d));
        if (d == null || (s.change() != null && s.change().retires())) {
            // a retired service is only scaled down (and deleted with prune): no rollout checks
            return checks;
        }
        Container container = container(s, d);
        checks.add(containerExists(s, d, container));
        checks.add(noForeignRollout(s, d));
        checks.add(replicasForZeroDowntime(s, mode, d));
        checks.add(readinessProbe(s, d));
        checks.add(disruptionBudget(s, d, ns.budgets()));
        checks.add(surgeCapacity(s, mode, maxSurge, d, ns.quotas()));
        if (container != null) {
            checks.add(imageChanges(s, container.getImage()));
        }
        return checks;
    }

    public static Check deploymentExists(PlannedService s, Deployment d) {
        String where = s.namespace() + "/" + s.deployment();
        return Check.of(d != null, DEPLOYMENT_EXISTS, BLOCK, s.name(),
                s.name() + ": " + s.kind().kubernetesName() + " " + where + (d != null ? " found"
                        : " not found in the cluster"));
    }

    public static Check containerExists(PlannedService s, Deployment d, Container container) {
        String wanted = s.container() != null ? s.container() : s.name();
        List<String> names = d.getSpec().getTemplate().getSpec().getContainers().stream().map(Container::getName).toList();
        return container != null
                ? Check.pass(CONTAINER_EXISTS, BLOCK, s.name(), s.name() + ": container " + container.getName()
                        + " found in " + s.kind().kubernetesName() + " " + s.deployment())
                : Check.notPassed(CONTAINER_EXISTS, BLOCK, s.name(), s.name() + ": no container " + wanted
                        + " in " + s.kind().kubernetesName() + " " + s.deployment() + " (it has " + String.join(", ", names)
                        + ")");
    }

    /** Not mid-rollout by someone else: the controller saw the last spec, progress complete, nothing unavailable. */
    public static Check noForeignRollout(PlannedService s, Deployment d) {
        DeploymentStatus st = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
        long generation = DeploymentRules.generation(d);
        long observed = st.getObservedGeneration() == null ? 0 : st.getObservedGeneration();
        int unavailable = st.getUnavailableReplicas() == null ? 0 : st.getUnavailableReplicas();
        String progressing = DeploymentRules.condition(d, "Progressing").map(c -> c.getReason()).orElse(null);
        List<String> why = new ArrayList<>();
        if (observed < generation) {
            why.add("observedGeneration " + observed + " < generation " + generation);
        }
        if (progressing != null && !"NewReplicaSetAvailable".equals(progressing)) {
            why.add("Progressing is " + progressing);
        }
        if (unavailable > 0) {
            why.add(unavailable + " unavailable replicas");
        }
        return why.isEmpty()
                ? Check.pass(NO_FOREIGN_ROLLOUT, BLOCK, s.name(), s.name() + ": not rolling (generation " + generation
                        + " observed, " + DeploymentRules.progress(d) + ")")
                : Check.notPassed(NO_FOREIGN_ROLLOUT, BLOCK, s.name(), s.name() + ": " + s.kind().kubernetesName() + " "
                        + s.deployment()
                        + " is mid-rollout: " + String.join(", ", why));
    }

    public static Check replicasForZeroDowntime(PlannedService s, UpgradeMode mode, Deployment d) {
        int replicas = DeploymentRules.desiredReplicas(d);
        if (mode != UpgradeMode.ZERO_DOWNTIME) {
            return Check.pass(REPLICAS_FOR_ZERO_DOWNTIME, WARN, s.name(), s.name() + ": " + replicas
                    + " replicas; a downtime upgrade stops the service anyway");
        }
        String one = s.kind() == io.upshift.version.WorkloadKind.STATEFUL_SET
                ? " replica: a StatefulSet replaces it in place, so it is down while its new pod starts"
                : " replica: it stays available only through the surge pod";
        return Check.of(replicas >= 2, REPLICAS_FOR_ZERO_DOWNTIME, WARN, s.name(), s.name() + ": " + replicas
                + (replicas == 1 ? one : " replicas")
                + " (at least 2 for zero downtime)");
    }

    public static Check readinessProbe(PlannedService s, Deployment d) {
        List<String> without = d.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getReadinessProbe() == null).map(Container::getName).toList();
        int all = d.getSpec().getTemplate().getSpec().getContainers().size();
        return without.isEmpty()
                ? Check.pass(READINESS_PROBE, WARN, s.name(), s.name() + ": " + all + " of " + all
                        + " containers have a readiness probe")
                : Check.notPassed(READINESS_PROBE, WARN, s.name(), s.name() + ": " + without.size() + " of " + all
                        + " containers have no readiness probe (" + String.join(", ", without)
                        + "): without one, ready means started");
    }

    public static Check disruptionBudget(PlannedService s, Deployment d, List<PodDisruptionBudget> budgets) {
        Map<String, String> labels = d.getSpec().getTemplate().getMetadata() == null ? Map.of()
                : Objects.requireNonNullElse(d.getSpec().getTemplate().getMetadata().getLabels(), Map.of());
        List<String> selecting = budgets.stream()
                .filter(b -> b.getSpec() != null && matches(b.getSpec().getSelector(), labels))
                .map(b -> b.getMetadata().getName()).toList();
        return selecting.isEmpty()
                ? Check.notPassed(DISRUPTION_BUDGET, WARN, s.name(), s.name() + ": none of the " + budgets.size()
                        + " PodDisruptionBudgets in " + s.namespace() + " selects its pods " + labels)
                : Check.pass(DISRUPTION_BUDGET, WARN, s.name(), s.name() + ": PodDisruptionBudget "
                        + String.join(", ", selecting) + " selects its pods");
    }

    /**
     * The namespace's ResourceQuotas leave room for the surge pods: for each quota and resource a pod
     * consumes, {@code used + surge × per pod <= hard} (used as the quota controller reports it).
     */
    public static Check surgeCapacity(PlannedService s, UpgradeMode mode, IntOrString maxSurge, Deployment d,
            List<ResourceQuota> quotas) {
        int replicas = DeploymentRules.desiredReplicas(d);
        if (s.kind() == io.upshift.version.WorkloadKind.STATEFUL_SET) {
            return Check.pass(SURGE_CAPACITY, BLOCK, s.name(), s.name() + ": no surge pods (a StatefulSet replaces"
                    + " its pods one at a time)");
        }
        int surge = mode == UpgradeMode.ZERO_DOWNTIME ? DeploymentRules.resolve(maxSurge, replicas, true, "25%") : 0;
        if (surge == 0) {
            return Check.pass(SURGE_CAPACITY, BLOCK, s.name(), s.name() + ": no surge pods (" + mode + ")");
        }
        List<String> short_ = new ArrayList<>();
        for (ResourceQuota q : quotas) {
            Map<String, Quantity> hard = q.getSpec() == null || q.getSpec().getHard() == null ? Map.of() : q.getSpec().getHard();
            Map<String, Quantity> used = q.getStatus() == null || q.getStatus().getUsed() == null ? Map.of()
                    : q.getStatus().getUsed();
            for (String resource : QUOTA_RESOURCES) {
                if (!hard.containsKey(resource)) {
                    continue;
                }
                BigDecimal perPod = perPod(d, resource);
                BigDecimal need = perPod.multiply(BigDecimal.valueOf(surge));
                BigDecimal limit = Quantity.getAmountInBytes(hard.get(resource));
                BigDecimal taken = used.containsKey(resource) ? Quantity.getAmountInBytes(used.get(resource)) : BigDecimal.ZERO;
                if (need.signum() > 0 && taken.add(need).compareTo(limit) > 0) {
                    short_.add("ResourceQuota " + q.getMetadata().getName() + " " + resource + ": used " + plain(taken)
                            + " + " + surge + " × " + plain(perPod) + " > hard " + plain(limit));
                }
            }
        }
        String pods = surge + " surge pod" + (surge == 1 ? "" : "s");
        return short_.isEmpty()
                ? Check.pass(SURGE_CAPACITY, BLOCK, s.name(), quotas.isEmpty()
                        ? s.name() + ": no ResourceQuota in " + s.namespace() + " limits its " + pods
                        : s.name() + ": room for " + pods + " in " + quotas.size() + " ResourceQuotas")
                : Check.notPassed(SURGE_CAPACITY, BLOCK, s.name(), s.name() + ": no room for " + surge + " surge pod"
                        + (surge == 1 ? "" : "s") + ": " + String.join("; ", short_));
    }

    /** Informational: the same image means the service is skipped as already at its target. */
    public static Check imageChanges(PlannedService s, String running) {
        return Check.pass(IMAGE_CHANGES, WARN, s.name(), running.equals(s.toImage())
                ? s.name() + ": already runs " + running + ": ALREADY_AT_TARGET, skipped"
                : s.name() + ": " + running + " → " + s.toImage());
    }

    /**
     * No other upgrade is under way, and the target's configuration was not re-imported since this
     * upgrade was accepted ({@code since} null: not accepted yet).
     */
    public static Check configUnchanged(String target, List<String> otherUpgrades, Instant configUpdatedAt,
            Instant since) {
        List<String> why = new ArrayList<>();
        if (!otherUpgrades.isEmpty()) {
            why.add("upgrade " + String.join(", ", otherUpgrades) + " in progress");
        }
        if (since != null && configUpdatedAt != null && configUpdatedAt.isAfter(since)) {
            why.add("the configuration of " + target + " was re-imported at " + configUpdatedAt + ", after the upgrade was accepted at " + since);
        }
        return why.isEmpty()
                ? Check.pass(CONFIG_UNCHANGED, BLOCK, null, "no other upgrade in progress; the configuration of "
                        + target + " unchanged")
                : Check.notPassed(CONFIG_UNCHANGED, BLOCK, null, String.join("; ", why));
    }

    /** Whether a label selector selects these labels (matchLabels and matchExpressions, as Kubernetes does). */
    public static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        if (selector.getMatchLabels() != null) {
            for (var e : selector.getMatchLabels().entrySet()) {
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.getMatchExpressions() != null) {
            for (var x : selector.getMatchExpressions()) {
                String value = labels.get(x.getKey());
                List<String> values = x.getValues() == null ? List.of() : x.getValues();
                boolean ok = switch (x.getOperator()) {
                    case "In" -> value != null && values.contains(value);
                    case "NotIn" -> value == null || !values.contains(value);
                    case "Exists" -> value != null;
                    case "DoesNotExist" -> value == null;
                    default -> false;
                };
                if (!ok) {
                    return false;
                }
            }
        }
        // an empty selector selects every pod (policy/v1)
        return true;
    }

    private static Container container(PlannedService s, Deployment d) {
        List<Container> containers = d.getSpec().getTemplate().getSpec().getContainers();
        String wanted = s.container() != null ? s.container() : s.name();
        return containers.stream().filter(c -> wanted.equals(c.getName())).findFirst()
                .orElse(s.container() == null && containers.size() == 1 ? containers.get(0) : null);
    }

    /** One pod's share of a quota resource: 1 for {@code pods}, else the sum over its containers. */
    private static BigDecimal perPod(Deployment d, String resource) {
        if ("pods".equals(resource)) {
            return BigDecimal.ONE;
        }
        boolean limits = resource.startsWith("limits.");
        String name = resource.substring(resource.indexOf('.') + 1);
        BigDecimal sum = BigDecimal.ZERO;
        for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
            ResourceRequirements r = c.getResources();
            Map<String, Quantity> values = r == null ? null : limits ? r.getLimits() : r.getRequests();
            if (values != null && values.containsKey(name)) {
                sum = sum.add(Quantity.getAmountInBytes(values.get(name)));
            }
        }
        return sum;
    }

    private static String plain(BigDecimal value) {
        return value.stripTrailingZeros().toPlainString();
    }
}
