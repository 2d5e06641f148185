package io.upshift.upgrade;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One service's line in an upgrade record. {@code minAvailable} is the lowest number of available
 * replicas seen while it rolled: the evidence that it stayed up.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ServiceProgress(String name, ServiceState state, String fromImage, String toImage, Instant startedAt,
        Instant finishedAt, Integer minAvailable, Integer replicas, String message) {

    public ServiceProgress with(ServiceState newState, String newMessage) {
        return new ServiceProgress(name, newState, fromImage, toImage, startedAt, finishedAt, minAvailable, replicas,
                newMessage);
    }
}
