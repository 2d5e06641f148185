package io.upshift.upgrade;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.upshift.kubernetes.ServiceChange;
import io.upshift.kubernetes.WorkloadSpec;
import io.upshift.precheck.PrecheckReport;

/**
 * What an upgrade will do, decided before anything changes (and answered as is to a dry run):
 * the effective mode and why, its impact in words, the services in dependency order with their
 * images, and (once run) the pre-checks' report.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpgradePlan(String fromVersion, String targetVersion, UpgradeMode requestedMode, UpgradeMode mode,
        String modeReason, List<PlannedService> services, @JsonIgnore UpgradeRequest request, PrecheckReport prechecks,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<JobProgress> jobs) {

    public UpgradePlan {
        services = List.copyOf(services);
        jobs = jobs == null ? List.of() : List.copyOf(jobs);
    }

    public UpgradePlan(String fromVersion, String targetVersion, UpgradeMode requestedMode, UpgradeMode mode,
            String modeReason, List<PlannedService> services, UpgradeRequest request) {
        this(fromVersion, targetVersion, requestedMode, mode, modeReason, services, request, null, List.of());
    }

    public UpgradePlan withMode(Verdict verdict) {
        return new UpgradePlan(fromVersion, targetVersion, requestedMode, verdict.mode(), verdict.reason(), services,
                request, prechecks, jobs);
    }

    public UpgradePlan withPrechecks(PrecheckReport report) {
        return new UpgradePlan(fromVersion, targetVersion, requestedMode, mode, modeReason, services, request, report,
                jobs);
    }

    /** The plan with the jobs the upgrade runs, in the order they run. */
    public UpgradePlan withJobs(List<JobProgress> planned) {
        return new UpgradePlan(fromVersion, targetVersion, requestedMode, mode, modeReason, services, request,
                prechecks, planned);
    }

    @JsonProperty("impact")
    public String impact() {
        return mode.impact();
    }

    /**
     * One service of the plan: the Deployment and container it changes, from which image to which;
     * {@code toSpec} what else it sets (env, resources, args, replicas, ConfigMaps) and {@code fromSpec}
     * the same fields as the cluster has them now.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record PlannedService(String name, String namespace, String deployment, String container,
            List<String> dependsOn, String fromImage, String toImage, int replicas, boolean alreadyAtTarget,
            @JsonInclude(JsonInclude.Include.NON_NULL) WorkloadSpec fromSpec,
            @JsonInclude(JsonInclude.Include.NON_NULL) WorkloadSpec toSpec,
            @JsonIgnore ServiceChange change,
            // the workload that runs it (issue 13: StatefulSets); null: a Deployment
            io.upshift.version.WorkloadKind kind) {

        public PlannedService {
            kind = kind == null ? io.upshift.version.WorkloadKind.DEPLOYMENT : kind;
        }

        public PlannedService(String name, String namespace, String deployment, String container,
                List<String> dependsOn, String fromImage, String toImage, int replicas, boolean alreadyAtTarget,
                WorkloadSpec fromSpec, WorkloadSpec toSpec, ServiceChange change) {
            this(name, namespace, deployment, container, dependsOn, fromImage, toImage, replicas, alreadyAtTarget,
                    fromSpec, toSpec, change, null);
        }

        public PlannedService(String name, String namespace, String deployment, String container,
                List<String> dependsOn, String fromImage, String toImage, int replicas, boolean alreadyAtTarget) {
            this(name, namespace, deployment, container, dependsOn, fromImage, toImage, replicas, alreadyAtTarget, null,
                    null, null);
        }

        public PlannedService(String name, String namespace, String deployment, String container,
                List<String> dependsOn, String fromImage, String toImage, int replicas, boolean alreadyAtTarget,
                WorkloadSpec fromSpec, WorkloadSpec toSpec) {
            this(name, namespace, deployment, container, dependsOn, fromImage, toImage, replicas, alreadyAtTarget,
                    fromSpec, toSpec, null);
        }

        /** What the upgrade changes on this service, from what the cluster runs (see {@link ServiceDiff}). */
        @JsonProperty("diff")
        public ServiceDiff diff() {
            // unnamed: the plan's line names the service
            boolean gone = change != null && (change.retires() || change.deletes());
            return ServiceDiff.of(null, change != null && change.creates() ? null : fromImage, fromSpec, toImage,
                    toSpec, gone, gone && change.deletes(), List.of());
        }
    }
}
