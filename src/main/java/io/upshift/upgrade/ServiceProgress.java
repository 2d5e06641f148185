package io.upshift.upgrade;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One service's line in an upgrade record: where it runs, what it depends on, where it stands.
 * {@code minAvailable} is the lowest number of available replicas seen while it rolled: the
 * evidence that it stayed up.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ServiceProgress(String name, String namespace, String deployment, String container,
        List<String> dependsOn, ServiceState state, String fromImage, String toImage, Integer replicas,
        Integer minAvailable, Instant startedAt, Instant finishedAt, String message) {

    public ServiceProgress {
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    }

    public ServiceProgress with(ServiceState newState, String newMessage) {
        return new ServiceProgress(name, namespace, deployment, container, dependsOn, newState, fromImage, toImage,
                replicas, minAvailable, startedAt, finishedAt, newMessage);
    }

    public ServiceProgress started(Instant at, String newMessage) {
        return new ServiceProgress(name, namespace, deployment, container, dependsOn, ServiceState.RUNNING, fromImage,
                toImage, replicas, minAvailable, startedAt == null ? at : startedAt, null, newMessage);
    }

    public ServiceProgress finished(ServiceState newState, Integer newReplicas, Integer newMinAvailable, Instant at,
            String newMessage) {
        Integer min = minAvailable;
        if (newMinAvailable != null) {
            min = min == null ? newMinAvailable : Integer.valueOf(Math.min(min, newMinAvailable));
        }
        return new ServiceProgress(name, namespace, deployment, container, dependsOn, newState, fromImage, toImage,
                newReplicas == null ? replicas : newReplicas, min, startedAt, at, newMessage);
    }

    /** Final for this upgrade run: succeeded, failed, or never started. */
    @JsonIgnore
    public boolean isFinal() {
        return state.isDone() || state == ServiceState.FAILED || state == ServiceState.NOT_STARTED
                || state == ServiceState.ROLLED_BACK;
    }
}
