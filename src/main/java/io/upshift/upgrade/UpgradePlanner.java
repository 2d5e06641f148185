package io.upshift.upgrade;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.upshift.RejectedException;
import io.upshift.intake.DocumentReader;
import io.upshift.kubernetes.ApiRetry;
import io.upshift.kubernetes.DeploymentRules;
import io.upshift.kubernetes.RolloutException;
import io.upshift.kubernetes.ServiceChange;
import io.upshift.kubernetes.StatefulSetRules;
import io.upshift.kubernetes.WorkloadChanges;
import io.upshift.kubernetes.WorkloadSpec;
import io.upshift.store.PlatformVersion;
import io.upshift.store.UpgradeRecords;
import io.upshift.version.DependencyGraph;
import io.upshift.version.ServiceSpec;
import io.upshift.version.Version;
import io.upshift.version.VersionConfig;
import io.upshift.version.VersionStore;
import io.upshift.version.WorkloadKind;

/**
 * Turns an upgrade request into a plan: reads it, checks it against what is imported and what the
 * platform runs, asks {@link Compatibility} for the mode, and reads the cluster for each service's
 * current image. Also plans the rollback of an upgrade. Nothing is changed here.
 */
public class UpgradePlanner {

    static final String WHAT = "upgrade request";

    private final VersionStore versions;
    private final PlatformVersion platform;
    private final UpgradeRecords upgrades;
    private final Compatibility compatibility;
    private final KubernetesClient client;
    private final String defaultNamespace;
    private final DocumentReader<UpgradeRequest> reader;
    private final ApiRetry retry;

    public UpgradePlanner(VersionStore versions, PlatformVersion platform, UpgradeRecords upgrades,
            Compatibility compatibility, KubernetesClient client, String defaultNamespace,
            DocumentReader<UpgradeRequest> reader, ApiRetry retry) {
        this.retry = retry;
        this.versions = versions;
        this.platform = platform;
        this.upgrades = upgrades;
        this.compatibility = compatibility;
        this.client = client;
        this.defaultNamespace = defaultNamespace;
        this.reader = reader;
    }

    /** The request from an HTTP body or inbox file (JSON or YAML), or as given by a schedule. */
    public UpgradeRequest request(Object body, String format) {
        if (body instanceof UpgradeRequest request) {
            return request;
        }
        return reader.read(body instanceof byte[] bytes ? bytes : String.valueOf(body).getBytes(), format);
    }

    /** Refuses what cannot start whatever the platform runs: risk not accepted (400), no or unknown target (422, 404). */
    public UpgradeRequest validate(UpgradeRequest request) {
        if (!request.riskAccepted()) {
            throw new RejectedException(RejectedException.Code.RISK_NOT_ACCEPTED, "the risk disclaimer must be accepted",
                    List.of("acceptRisk: must be true: confirm that you understand the impact of the upgrade"));
        }
        if (request.targetVersion() == null || request.targetVersion().isBlank()) {
            throw RejectedException.invalid(WHAT, List.of("targetVersion: missing"));
        }
        if (!Version.isValid(request.targetVersion())) {
            throw RejectedException.invalid(WHAT, List.of("targetVersion: \"" + request.targetVersion()
                    + "\" is not a version of four numeric segments such as 5.1.2.04"));
        }
        versions.get(request.targetVersion());
        return request;
    }

    /**
     * The plan, from one read of the version the platform runs, the target's config and the cluster
     * (made under the platform lock, so nothing ends or starts in between): nothing to do (409),
     * downgrade not allowed (422), the compatibility verdict (the mode and why), and the services in
     * dependency order with their current and target images.
     */
    public UpgradePlan plan(UpgradeRequest request) {
        String runs = platform.current();
        Version current = Version.parse(runs);
        VersionConfig target = versions.get(request.targetVersion());
        Version wanted = Version.parse(target.version());
        if (wanted.equals(current)) {
            throw new RejectedException(RejectedException.Code.ALREADY_AT_TARGET, "already at target version",
                    List.of("the platform already runs " + current + ": nothing to do"));
        }
        if (wanted.compareTo(current) < 0 && !request.downgradeAllowed()) {
            throw RejectedException.invalid(WHAT, List.of("targetVersion: " + wanted + " is lower than the current "
                    + current + "; set allowDowngrade to roll back to an older version"));
        }
        VersionConfig running = versions.find(runs).orElse(null);
        refuseUnsupported(running, target);
        Verdict verdict = compatibility.classify(current, target, request.mode());
        Map<String, Map<String, Deployment>> byNamespace = new HashMap<>();
        List<UpgradePlan.PlannedService> planned = new ArrayList<>();
        for (String name : DependencyGraph.of(target).order()) {
            ServiceSpec spec = target.service(name).orElseThrow();
            String namespace = spec.namespaceOr(defaultNamespace);
            Deployment d = workload(byNamespace, namespace, spec.workloadKind(), spec.deploymentName());
            String from = null;
            int replicas = 0;
            boolean already = false;
            WorkloadSpec toSpec = WorkloadSpec.of(spec);
            WorkloadSpec fromSpec = null;
            ServiceChange change = null;
            if (d == null && spec.template() != null && (running == null || running.service(name).isEmpty())) {
                // a new service: created from its template; its rollback deletes it (and the ConfigMaps it added)
                change = ServiceChange.create(spec.template());
                fromSpec = toSpec == null || toSpec.configMaps() == null ? null : new WorkloadSpec(null, null, null, null,
                        WorkloadSpec.configMapData(toSpec, configMaps(namespace, toSpec)));
            }
            // a missing Deployment or container is the pre-checks' to report (deployment-exists, container-exists)
            if (d != null) {
                replicas = DeploymentRules.desiredReplicas(d);
                try {
                    Container c = DeploymentRules.container(d, spec.container(), name);
                    from = c.getImage();
                    fromSpec = WorkloadSpec.capture(toSpec, d, c, configMaps(namespace, toSpec));
                    already = from.equals(spec.image()) && replicas > 0 && DeploymentRules.rolledOut(d)
                            && (toSpec == null || toSpec.matches(d, c) && sameConfigMaps(toSpec, fromSpec));
                } catch (RolloutException e) {
                    from = null;
                }
            }
            planned.add(new UpgradePlan.PlannedService(name, namespace, spec.deploymentName(), spec.container(),
                    spec.dependsOn(), from, spec.image(), replicas, already, fromSpec, toSpec, change, spec.workloadKind()));
        }
        if (running != null) {
            planned.addAll(retired(running, target, byNamespace));
        }
        UpgradeMode requested = request.mode() == null ? UpgradeMode.ZERO_DOWNTIME : request.mode();
        return new UpgradePlan(runs, target.version(), requested, verdict.mode(), verdict.reason(),
                planned, request).withJobs(jobs(target));
    }

    /**
     * The jobs of {@code target}, in the order they run: the version's {@code before} jobs, each
     * service's (in upgrade order), the version's {@code after} jobs. Version-level jobs run in the
     * platform namespace, a service's in the service's.
     */
    List<JobProgress> jobs(VersionConfig target) {
        List<JobProgress> jobs = new ArrayList<>();
        target.jobsBefore().forEach(j -> jobs.add(JobProgress.pending(j.name(), JobStage.BEFORE, null,
                defaultNamespace, j)));
        for (String name : DependencyGraph.of(target).order()) {
            ServiceSpec s = target.service(name).orElseThrow();
            s.jobsBefore().forEach(j -> jobs.add(JobProgress.pending(j.name(), JobStage.SERVICE_BEFORE, name,
                    s.namespaceOr(defaultNamespace), j)));
        }
        target.jobsAfter().forEach(j -> jobs.add(JobProgress.pending(j.name(), JobStage.AFTER, null,
                defaultNamespace, j)));
        return jobs;
    }

    /**
     * The services of {@code running} absent from {@code target}: scaled to 0, and with the target's
     * {@code prune} deleted (their Deployment and Service captured first, for a rollback). Each is
     * retired once every service of the target has moved (what replaces it is up first) and, among
     * the retired ones, after those that depended on it (reverse dependency order); a rollback brings
     * them back first. One whose Deployment is gone already is not in the plan.
     */
    private List<UpgradePlan.PlannedService> retired(VersionConfig running, VersionConfig target,
            Map<String, Map<String, Deployment>> byNamespace) {
        List<UpgradePlan.PlannedService> retired = new ArrayList<>();
        DependencyGraph before = DependencyGraph.of(running);
        for (String name : before.reversed().order()) {
            ServiceSpec spec = running.service(name).orElseThrow();
            if (target.service(name).isPresent()) {
                continue;
            }
            String namespace = spec.namespaceOr(defaultNamespace);
            Deployment d = workload(byNamespace, namespace, WorkloadKind.DEPLOYMENT, spec.deploymentName());
            if (d == null) {
                continue;
            }
            String image;
            try {
                image = DeploymentRules.container(d, spec.container(), name).getImage();
            } catch (RolloutException e) {
                image = null;
            }
            int replicas = DeploymentRules.desiredReplicas(d);
            io.fabric8.kubernetes.api.model.Service service = target.prunes()
                    ? retry.get("plan: read Service " + namespace + "/" + spec.deploymentName(),
                            () -> client.services().inNamespace(namespace).withName(spec.deploymentName()).get()) : null;
            boolean already = replicas == 0 && !target.prunes() && DeploymentRules.scaledDown(d);
            List<String> after = new ArrayList<>(target.services().stream().map(ServiceSpec::name).toList());
            after.addAll(before.dependents(name));
            retired.add(new UpgradePlan.PlannedService(name, namespace, spec.deploymentName(), spec.container(),
                    after, image, image, replicas, already,
                    new WorkloadSpec(null, null, null, replicas, null), new WorkloadSpec(null, null, null, 0, null),
                    ServiceChange.retire(target.prunes(), WorkloadChanges.captured(d), WorkloadChanges.captured(service))));
        }
        return retired;
    }

    /**
     * The plan that undoes {@code original}: every service back to the image it started from, from
     * one read of the cluster. A rolling upgrade is undone dependents first (the dependencies are
     * reversed); a downtime one comes down and back up as it went.
     */
    public UpgradePlan rollback(UpgradeRecord original) {
        DependencyGraph graph = original.graph();
        DependencyGraph order = original.mode() == UpgradeMode.DOWNTIME ? graph : graph.reversed();
        Map<String, Map<String, Deployment>> byNamespace = new HashMap<>();
        List<UpgradePlan.PlannedService> planned = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String name : order.order()) {
            ServiceProgress s = original.service(name).orElseThrow();
            Deployment d = workload(byNamespace, s.namespace(), s.kind(), s.deployment());
            if (s.change() != null) {
                planned.add(undo(s, d, order.dependsOn(name)));
                continue;
            }
            if (d == null) {
                problems.add(name + ": " + s.kind().kubernetesName() + " " + s.namespace() + "/" + s.deployment()
                        + " not found in the cluster");
                continue;
            }
            try {
                Container c = DeploymentRules.container(d, s.container(), name);
                String now = c.getImage();
                int replicas = DeploymentRules.desiredReplicas(d);
                // back to the whole spec the original captured before its change
                WorkloadSpec back = s.fromSpec();
                WorkloadSpec current = WorkloadSpec.capture(back, d, c, configMaps(s.namespace(), back));
                planned.add(new UpgradePlan.PlannedService(name, s.namespace(), s.deployment(), s.container(),
                        order.dependsOn(name), now, s.fromImage(), replicas,
                        now.equals(s.fromImage()) && replicas > 0 && DeploymentRules.rolledOut(d)
                                && (back == null || back.matches(d, c) && sameConfigMaps(back, current)),
                        current, back, null, s.kind()));
            } catch (RolloutException e) {
                problems.add(name + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new RejectedException(RejectedException.Code.CLUSTER_MISMATCH,
                    "the cluster does not match the upgrade to roll back", problems);
        }
        String current = platform.current();
        return new UpgradePlan(current, original.fromVersion(), original.mode(), original.mode(),
                "rollback of " + original.id() + ": every service back to the image it started from", planned, null);
    }

    /**
     * A service {@code original} created (deleted again, with the ConfigMaps it added) or retired
     * (created again when pruned, back to its replicas): what its own rollback would have done.
     */
    private UpgradePlan.PlannedService undo(ServiceProgress s, Deployment d, List<String> dependsOn) {
        ServiceChange undo = s.change().undo();
        String now = null;
        int replicas = 0;
        if (d != null) {
            replicas = DeploymentRules.desiredReplicas(d);
            try {
                now = DeploymentRules.container(d, s.container(), s.name()).getImage();
            } catch (RolloutException e) {
                now = null;
            }
        }
        boolean already = undo.kind() == ServiceChange.Kind.REMOVE_CREATED ? d == null
                : d != null && s.fromImage() != null && s.fromImage().equals(now) && s.fromSpec() != null
                        && s.fromSpec().replicas() != null && s.fromSpec().replicas() == replicas
                        && DeploymentRules.rolledOut(d);
        WorkloadSpec current = new WorkloadSpec(null, null, null, replicas, null);
        return new UpgradePlan.PlannedService(s.name(), s.namespace(), s.deployment(), s.container(), dependsOn, now,
                s.fromImage(), replicas, already, current, s.fromSpec(), undo);
    }

    /** The record with each service's image and replicas as the cluster reports them now. */
    public UpgradeRecord observe(UpgradeRecord record) {
        Map<String, Map<String, Deployment>> byNamespace = new HashMap<>();
        return record.mapServices(s -> {
            Deployment d = workload(byNamespace, s.namespace(), s.kind(), s.deployment());
            if (d == null) {
                return s.observed(null, null);
            }
            try {
                return s.observed(DeploymentRules.image(d, s.container(), s.name()), DeploymentRules.desiredReplicas(d));
            } catch (RolloutException e) {
                return s.observed(null, DeploymentRules.desiredReplicas(d));
            }
        });
    }

    /**
     * What a release may ask for that this Upshift does not do yet (docs/version-config.md: Releases):
     * refused with every reason (422, {@code NOT_SUPPORTED}) rather than half done: a StatefulSet created
     * from a template or retired (a StatefulSet changed in place is rolled).
     */
    static void refuseUnsupported(VersionConfig running, VersionConfig target) {
        List<String> reasons = new ArrayList<>();
        for (ServiceSpec s : target.services()) {
            if (s.workloadKind() == WorkloadKind.STATEFUL_SET && s.template() != null) {
                reasons.add(s.name() + ": creating a StatefulSet from a template is not done by this version of Upshift"
                        + " yet");
            }
        }
        if (running != null) {
            for (ServiceSpec s : running.services()) {
                if (s.workloadKind() == WorkloadKind.STATEFUL_SET && target.service(s.name()).isEmpty()) {
                    reasons.add(s.name() + ": retiring a StatefulSet is not done by this version of Upshift yet");
                }
            }
        }
        if (!reasons.isEmpty()) {
            throw new RejectedException(RejectedException.Code.NOT_SUPPORTED, "the target version needs what this"
                    + " version of Upshift does not do yet", reasons);
        }
    }

    /** A request that met the lock: the same request retried (same Idempotency-Key) gets its upgrade back. */
    public UpgradeRecord conflict(String holder, String idempotencyKey) {
        return upgrades.findByIdempotencyKey(idempotencyKey).orElseThrow(() -> inProgress(holder));
    }

    public boolean isReplay(String idempotencyKey) {
        return upgrades.findByIdempotencyKey(idempotencyKey).isPresent();
    }

    /** The existing upgrade for a retried request, or null. */
    public UpgradeRecord replay(String idempotencyKey) {
        return upgrades.findByIdempotencyKey(idempotencyKey).orElse(null);
    }

    public static RejectedException inProgress(String holder) {
        return new RejectedException(RejectedException.Code.UPGRADE_IN_PROGRESS, "an upgrade is in progress",
                List.of("upgrade " + holder + " is running: wait for it to end, or force stop it"),
                Map.of("upgrade", holder == null ? "unknown" : holder));
    }

    /** The ConfigMaps a spec sets, as the cluster has them (absent ones map to null). */
    private Map<String, ConfigMap> configMaps(String namespace, WorkloadSpec spec) {
        Map<String, ConfigMap> found = new HashMap<>();
        if (spec != null && spec.configMaps() != null) {
            for (String name : spec.configMaps().keySet()) {
                found.put(name, retry.get("plan: read ConfigMap " + namespace + "/" + name,
                        () -> client.configMaps().inNamespace(namespace).withName(name).get()));
            }
        }
        return found;
    }

    private static boolean sameConfigMaps(WorkloadSpec target, WorkloadSpec current) {
        return target.configMaps() == null || target.configMaps().equals(current.configMaps());
    }

    /**
     * The service's workload as the namespace's one read of that kind has it (read once per plan); a
     * StatefulSet as its Deployment-shaped view ({@link StatefulSetRules#asDeployment}), which the same rules read.
     */
    private Deployment workload(Map<String, Map<String, Deployment>> read, String namespace, WorkloadKind kind,
            String name) {
        return read.computeIfAbsent(kind.kubernetesName() + "/" + namespace,
                k -> kind == WorkloadKind.STATEFUL_SET ? statefulSets(namespace) : deployments(namespace)).get(name);
    }

    private Map<String, Deployment> statefulSets(String namespace) {
        Map<String, Deployment> byName = new HashMap<>();
        for (StatefulSet s : client.apps().statefulSets().inNamespace(namespace).list().getItems()) {
            byName.put(s.getMetadata().getName(),
                    StatefulSetRules.asDeployment(s, DeploymentRules.DEFAULT_PROGRESS_DEADLINE_SECONDS));
        }
        return byName;
    }

    private Map<String, Deployment> deployments(String namespace) {
        Map<String, Deployment> byName = new HashMap<>();
        for (Deployment d : retry.get("plan: list Deployments in " + namespace,
                () -> client.apps().deployments().inNamespace(namespace).list().getItems())) {
            byName.put(d.getMetadata().getName(), d);
        }
        return byName;
    }
}
