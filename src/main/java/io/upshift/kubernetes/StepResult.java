package io.upshift.kubernetes;

import java.time.Instant;

/**
 * The outcome of one service step. {@code minAvailable} is the lowest number of available replicas
 * the watch saw during the step: the evidence that a zero-downtime step kept the service up.
 */
public record StepResult(String service, String namespace, String deployment, StepOutcome outcome, String fromImage,
        String toImage, int replicas, Integer minAvailable, Instant startedAt, Instant finishedAt, String message) {

    /** One line for the upgrade log. */
    public String summary() {
        return service + ": " + message;
    }
}
