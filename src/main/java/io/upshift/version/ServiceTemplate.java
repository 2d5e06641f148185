package io.upshift.version;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How to create a service the platform does not run yet: the labels of its pods, the ports its
 * container listens on (and its Service exposes), its probes and the ConfigMaps it mounts.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceTemplate(Map<String, String> labels, List<Port> ports, Probe readinessProbe, Probe livenessProbe,
        List<ConfigMapVolume> volumes) {

    public ServiceTemplate {
        labels = labels == null ? Map.of() : Ordered.copy(labels);
        ports = ports == null ? List.of() : List.copyOf(ports);
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
    }

    /** A container port; {@code servicePort} defaults to it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Port(String name, int containerPort, Integer servicePort, String protocol) {
    }

    /** An HTTP GET of {@code path} on {@code port}, or a TCP connect to {@code port} when there is no path. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Probe(String path, int port, Integer initialDelaySeconds, Integer periodSeconds) {
    }

    /** A ConfigMap mounted as files at {@code mountPath}. */
    public record ConfigMapVolume(String configMap, String mountPath) {
    }
}
