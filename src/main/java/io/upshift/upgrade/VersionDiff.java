package io.upshift.upgrade;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.upshift.kubernetes.WorkloadSpec;
import io.upshift.version.DependencyGraph;
import io.upshift.version.JobSpec;
import io.upshift.version.ServiceSpec;
import io.upshift.version.VersionConfig;

/**
 * What going from one stored version to another changes, service by service ({@link ServiceDiff}):
 * the target's services in upgrade order, then the retired ones (deleted when the target prunes),
 * and the version's jobs. A field one version leaves to the cluster is compared as unset there.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record VersionDiff(String from, String to, List<ServiceDiff> services, List<String> jobsBefore,
        List<String> jobsAfter) {

    public static VersionDiff between(VersionConfig a, VersionConfig b) {
        List<ServiceDiff> services = new ArrayList<>();
        for (String name : DependencyGraph.of(b).order()) {
            ServiceSpec to = b.service(name).orElseThrow();
            ServiceSpec from = a.service(name).orElse(null);
            services.add(ServiceDiff.of(name, from == null ? null : from.image(), from == null ? null : WorkloadSpec.of(from),
                    to.image(), WorkloadSpec.of(to), false, false, names(to.jobsBefore())));
        }
        for (ServiceSpec gone : a.services()) {
            if (b.service(gone.name()).isEmpty()) {
                services.add(ServiceDiff.of(gone.name(), gone.image(), null, null, null, true, b.prunes(), List.of()));
            }
        }
        return new VersionDiff(a.version(), b.version(), services, names(b.jobsBefore()), names(b.jobsAfter()));
    }

    private static List<String> names(List<JobSpec> jobs) {
        return jobs.stream().map(JobSpec::name).toList();
    }
}
