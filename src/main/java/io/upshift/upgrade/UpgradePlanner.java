package io.upshift.upgrade;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.upshift.RejectedException;
import io.upshift.intake.DocumentReader;
import io.upshift.kubernetes.DeploymentRules;
import io.upshift.kubernetes.RolloutException;
import io.upshift.version.DependencyOrder;
import io.upshift.version.ServiceSpec;
import io.upshift.version.Version;
import io.upshift.version.VersionConfig;
import io.upshift.version.VersionStore;

/**
 * Turns an upgrade request into a plan: reads it, checks it against what is imported and what the
 * platform runs, asks {@link Compatibility} for the mode, and reads the cluster for each service's
 * current image. Nothing is changed here.
 */
public class UpgradePlanner {

    static final String WHAT = "upgrade request";

    private final VersionStore versions;
    private final UpgradeStore upgrades;
    private final Compatibility compatibility;
    private final KubernetesClient client;
    private final String defaultNamespace;
    private final DocumentReader<UpgradeRequest> reader;

    public UpgradePlanner(VersionStore versions, UpgradeStore upgrades, Compatibility compatibility,
            KubernetesClient client, String defaultNamespace, DocumentReader<UpgradeRequest> reader) {
        this.versions = versions;
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

    /** Refuses what cannot start: risk not accepted (400), unknown target (404), nothing to do (409), downgrade (422). */
    public UpgradeRequest validate(UpgradeRequest request) {
        if (!request.riskAccepted()) {
            throw new RejectedException(400, "the risk disclaimer must be accepted",
                    List.of("acceptRisk: must be true: confirm that you understand the impact of the upgrade"));
        }
        if (request.targetVersion() == null || request.targetVersion().isBlank()) {
            throw RejectedException.invalid(WHAT, List.of("targetVersion: missing"));
        }
        if (!Version.isValid(request.targetVersion())) {
            throw RejectedException.invalid(WHAT, List.of("targetVersion: \"" + request.targetVersion()
                    + "\" is not a version of four numeric segments such as 5.1.2.04"));
        }
        VersionConfig target = versions.find(request.targetVersion())
                .orElseThrow(() -> VersionStore.unknown(request.targetVersion()));
        Version current = Version.parse(upgrades.currentVersion());
        Version wanted = Version.parse(target.version());
        if (wanted.equals(current)) {
            throw new RejectedException(409, "already at target version",
                    List.of("the platform already runs " + current + ": nothing to do"));
        }
        if (wanted.compareTo(current) < 0 && !request.downgradeAllowed()) {
            throw RejectedException.invalid(WHAT, List.of("targetVersion: " + wanted + " is lower than the current "
                    + current + "; set allowDowngrade to roll back to an older version"));
        }
        return request;
    }

    /** The compatibility verdict: the mode this upgrade will run in, and why. */
    public Verdict verdict(UpgradeRequest request) {
        VersionConfig target = versions.get(request.targetVersion());
        return compatibility.classify(Version.parse(upgrades.currentVersion()), target, request.mode());
    }

    /** The plan for the verdict's mode: services in dependency order with their current and target images. */
    public UpgradePlan plan(UpgradeRequest request, Verdict verdict) {
        VersionConfig target = versions.get(request.targetVersion());
        Map<String, Map<String, Deployment>> byNamespace = new HashMap<>();
        List<String> problems = new ArrayList<>();
        List<UpgradePlan.PlannedService> planned = new ArrayList<>();
        for (String name : DependencyOrder.topologicalOrder(target)) {
            ServiceSpec spec = target.service(name).orElseThrow();
            String namespace = spec.namespaceOr(defaultNamespace);
            Deployment d = byNamespace.computeIfAbsent(namespace, this::deployments).get(spec.deploymentName());
            if (d == null) {
                problems.add(name + ": Deployment " + namespace + "/" + spec.deploymentName() + " not found in the cluster");
                continue;
            }
            try {
                String from = DeploymentRules.image(d, spec.container(), name);
                int replicas = DeploymentRules.desiredReplicas(d);
                boolean already = from.equals(spec.image()) && replicas > 0 && DeploymentRules.rolledOut(d);
                planned.add(new UpgradePlan.PlannedService(name, namespace, spec.deploymentName(), spec.container(),
                        spec.dependsOn(), from, spec.image(), replicas, already));
            } catch (RolloutException e) {
                problems.add(name + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new RejectedException(422, "the cluster does not match the target version", problems);
        }
        UpgradeMode requested = request.mode() == null ? UpgradeMode.ZERO_DOWNTIME : request.mode();
        return new UpgradePlan(upgrades.currentVersion(), target.version(), requested, verdict.mode(),
                verdict.reason(), planned, request);
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
        return new RejectedException(409, "an upgrade is in progress",
                List.of("upgrade " + holder + " is running: wait for it to end, or force stop it"),
                Map.of("upgrade", holder == null ? "unknown" : holder));
    }

    private Map<String, Deployment> deployments(String namespace) {
        Map<String, Deployment> byName = new HashMap<>();
        for (Deployment d : client.apps().deployments().inNamespace(namespace).list().getItems()) {
            byName.put(d.getMetadata().getName(), d);
        }
        return byName;
    }
}
