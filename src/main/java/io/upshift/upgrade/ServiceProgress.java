package io.upshift.upgrade;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One service's line in an upgrade record: where it runs, what it depends on, where it stands.
 * {@code minAvailable} is the lowest number of available replicas seen while it rolled: the
 * evidence that it stayed up. {@code phases} are the passes the service went through, with their
 * times (a downtime upgrade's scale-down and scale-up, a rollback): what the console's timeline draws.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ServiceProgress(String name, String namespace, String deployment, String container,
        List<String> dependsOn, ServiceState state, String fromImage, String toImage, Integer replicas,
        Integer minAvailable, Instant startedAt, Instant finishedAt, String message, List<Phase> phases) {

    /** One pass over a service, from its start to its finish (null while it runs). */
    public record Phase(PhaseKind kind, Instant startedAt, Instant finishedAt) {
    }

    /** What a pass does; later passes (verification, jobs) add kinds here and bars in the console. */
    public enum PhaseKind {
        ROLLING, DOWNTIME, SCALE_DOWN, SCALE_UP, ROLLBACK
    }

    public ServiceProgress {
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
        phases = phases == null ? List.of() : List.copyOf(phases);
    }

    public ServiceProgress with(ServiceState newState, String newMessage) {
        return new ServiceProgress(name, namespace, deployment, container, dependsOn, newState, fromImage, toImage,
                replicas, minAvailable, startedAt, finishedAt, newMessage, phases);
    }

    /**
     * The service starts a pass of {@code kind}: RUNNING (ROLLING_BACK for a rollback). A pass of the
     * same kind still open (a resumed upgrade starting it again) goes on: one phase, not two.
     */
    public ServiceProgress started(PhaseKind kind, Instant at, String newMessage) {
        ServiceState newState = kind == PhaseKind.ROLLBACK ? ServiceState.ROLLING_BACK : ServiceState.RUNNING;
        return new ServiceProgress(name, namespace, deployment, container, dependsOn, newState, fromImage,
                toImage, replicas, minAvailable, startedAt == null ? at : startedAt, null, newMessage,
                openPhase(kind).isPresent() ? phases : append(new Phase(kind, at, null)));
    }

    public ServiceProgress finished(ServiceState newState, Integer newReplicas, Integer newMinAvailable, Instant at,
            String newMessage) {
        Integer min = minAvailable;
        if (newMinAvailable != null) {
            min = min == null ? newMinAvailable : Integer.valueOf(Math.min(min, newMinAvailable));
        }
        return new ServiceProgress(name, namespace, deployment, container, dependsOn, newState, fromImage, toImage,
                newReplicas == null ? replicas : newReplicas, min, startedAt, at, newMessage, closePhases(at));
    }

    /** Final for this upgrade run: succeeded, failed, or never started. */
    @JsonIgnore
    public boolean isFinal() {
        return state.isDone() || state == ServiceState.FAILED || state == ServiceState.NOT_STARTED
                || state == ServiceState.ROLLED_BACK;
    }

    private Optional<Phase> openPhase(PhaseKind kind) {
        return phases.stream().filter(p -> p.kind() == kind && p.finishedAt() == null).findFirst();
    }

    private List<Phase> append(Phase phase) {
        List<Phase> more = new ArrayList<>(phases);
        more.add(phase);
        return more;
    }

    private List<Phase> closePhases(Instant at) {
        return phases.stream().map(p -> p.finishedAt() == null ? new Phase(p.kind(), p.startedAt(), at) : p).toList();
    }
}
