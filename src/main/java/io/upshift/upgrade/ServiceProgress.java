package io.upshift.upgrade;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.upshift.kubernetes.ServiceChange;
import io.upshift.kubernetes.WorkloadSpec;

/**
 * One service's line in an upgrade record: where it runs, what it depends on, where it stands.
 * {@code minAvailable} is the lowest number of available replicas seen while it rolled: the
 * evidence that it stayed up. {@code observedImage} and {@code replicas} after a force stop are
 * what the cluster reported at that moment. {@code phases} are the passes the service went through,
 * with their times (a downtime upgrade's scale-down and scale-up, a rollback): what the console's
 * timeline draws.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ServiceProgress(String name, String namespace, String deployment, String container,
        List<String> dependsOn, ServiceState state, String fromImage, String toImage, Integer replicas,
        Integer minAvailable, Instant startedAt, Instant finishedAt, String message, String observedImage,
        List<Pass> phases,
        // release (issue 13): what the step sets beyond the image, and the same fields captured before the change
        @JsonInclude(JsonInclude.Include.NON_NULL) WorkloadSpec fromSpec,
        @JsonInclude(JsonInclude.Include.NON_NULL) WorkloadSpec toSpec,
        // created from its template, or retired (null: changed in place)
        @JsonInclude(JsonInclude.Include.NON_NULL) ServiceChange change,
        // the workload that runs it (issue 13: StatefulSets); absent in older records: a Deployment
        io.upshift.version.WorkloadKind kind) {

    /** A service run by a Deployment. */
    public ServiceProgress(String name, String namespace, String deployment, String container,
            List<String> dependsOn, ServiceState state, String fromImage, String toImage, Integer replicas,
            Integer minAvailable, Instant startedAt, Instant finishedAt, String message, String observedImage,
            List<Pass> phases, WorkloadSpec fromSpec, WorkloadSpec toSpec, ServiceChange change) {
        this(name, namespace, deployment, container, dependsOn, state, fromImage, toImage, replicas, minAvailable,
                startedAt, finishedAt, message, observedImage, phases, fromSpec, toSpec, change, null);
    }

    /** One pass over a service, from its start to its finish (null while it runs). */
    public record Pass(PassKind kind, Instant startedAt, Instant finishedAt) {
    }

    /** What a pass does; later passes (verification, jobs) add kinds here and bars in the console. */
    public enum PassKind {
        ROLLING, SCALE_DOWN, SCALE_UP, ROLLBACK;

        /** The pass a step of the upgrade's {@code phase} makes: restoring is a rollback, finishing a roll. */
        public static PassKind of(Phase phase) {
            return switch (phase) {
                case ROLLING, FINISH -> ROLLING;
                case SCALE_DOWN -> SCALE_DOWN;
                case SCALE_UP -> SCALE_UP;
                case ROLLBACK, RESTORE -> ROLLBACK;
            };
        }
    }

    public ServiceProgress {
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
        phases = phases == null ? List.of() : List.copyOf(phases);
        kind = kind == null ? io.upshift.version.WorkloadKind.DEPLOYMENT : kind;
    }

    /** True when the upgrade changes nothing on this service: same image, same spec. */
    @JsonIgnore
    public boolean changesNothing() {
        // the captured strategy is no change of the release: only what the version config says counts
        return java.util.Objects.equals(fromImage, toImage) && change == null
                && java.util.Objects.equals(WorkloadSpec.released(fromSpec), WorkloadSpec.released(toSpec));
    }

    public ServiceProgress with(ServiceState newState, String newMessage) {
        return new ServiceProgress(name, namespace, deployment, container, dependsOn, newState, fromImage, toImage,
                replicas, minAvailable, startedAt, finishedAt, newMessage, observedImage, phases, fromSpec, toSpec, change,
                kind);
    }

    /**
     * The service starts a step of {@code phase}. A pass of the same kind still open (a resumed
     * upgrade starting it again) goes on: one pass, not two.
     */
    public ServiceProgress started(ServiceState newState, Phase phase, Instant at, String newMessage) {
        PassKind pass = PassKind.of(phase);
        boolean open = phases.stream().anyMatch(p -> p.kind() == pass && p.finishedAt() == null);
        List<Pass> passes = phases;
        if (!open) {
            passes = new ArrayList<>(phases);
            passes.add(new Pass(pass, at, null));
        }
        return new ServiceProgress(name, namespace, deployment, container, dependsOn, newState, fromImage,
                toImage, replicas, minAvailable, startedAt == null ? at : startedAt, null, newMessage, observedImage,
                passes, fromSpec, toSpec, change, kind);
    }

    public ServiceProgress finished(ServiceState newState, Integer newReplicas, Integer newMinAvailable, Instant at,
            String newMessage) {
        Integer min = minAvailable;
        if (newMinAvailable != null) {
            min = min == null ? newMinAvailable : Integer.valueOf(Math.min(min, newMinAvailable));
        }
        List<Pass> closed = phases.stream()
                .map(p -> p.finishedAt() == null ? new Pass(p.kind(), p.startedAt(), at) : p).toList();
        return new ServiceProgress(name, namespace, deployment, container, dependsOn, newState, fromImage, toImage,
                newReplicas == null ? replicas : newReplicas, min, startedAt, at, newMessage, observedImage, closed,
                fromSpec, toSpec, change, kind);
    }

    /** What the cluster reports for this service's Deployment now. */
    public ServiceProgress observed(String image, Integer observedReplicas) {
        return new ServiceProgress(name, namespace, deployment, container, dependsOn, state, fromImage, toImage,
                observedReplicas, minAvailable, startedAt, finishedAt, message, image, phases, fromSpec, toSpec, change,
                kind);
    }
}
