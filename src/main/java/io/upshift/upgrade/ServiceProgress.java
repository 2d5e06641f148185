package io.upshift.upgrade;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One service's line in an upgrade record: where it runs, what it depends on, where it stands.
 * {@code minAvailable} is the lowest number of available replicas seen while it rolled: the
 * evidence that it stayed up. {@code observedImage} and {@code replicas} after a force stop are
 * what the cluster reported at that moment.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ServiceProgress(String name, String namespace, String deployment, String container,
        List<String> dependsOn, ServiceState state, String fromImage, String toImage, Integer replicas,
        Integer minAvailable, Instant startedAt, Instant finishedAt, String message, String observedImage) {

    public ServiceProgress {
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    }

    public ServiceProgress with(ServiceState newState, String newMessage) {
        return new ServiceProgress(name, namespace, deployment, container, dependsOn, newState, fromImage, toImage,
                replicas, minAvailable, startedAt, finishedAt, newMessage, observedImage);
    }

    public ServiceProgress started(ServiceState newState, Instant at, String newMessage) {
        return new ServiceProgress(name, namespace, deployment, container, dependsOn, newState, fromImage,
                toImage, replicas, minAvailable, startedAt == null ? at : startedAt, null, newMessage, observedImage);
    }

    public ServiceProgress finished(ServiceState newState, Integer newReplicas, Integer newMinAvailable, Instant at,
            String newMessage) {
        Integer min = minAvailable;
        if (newMinAvailable != null) {
            min = min == null ? newMinAvailable : Integer.valueOf(Math.min(min, newMinAvailable));
        }
        return new ServiceProgress(name, namespace, deployment, container, dependsOn, newState, fromImage, toImage,
                newReplicas == null ? replicas : newReplicas, min, startedAt, at, newMessage, observedImage);
    }

    /** What the cluster reports for this service's Deployment now. */
    public ServiceProgress observed(String image, Integer observedReplicas) {
        return new ServiceProgress(name, namespace, deployment, container, dependsOn, state, fromImage, toImage,
                observedReplicas, minAvailable, startedAt, finishedAt, message, image);
    }
}
