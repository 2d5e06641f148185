package io.upshift.version;

/** Measured availability: {@code GET {path}} on the service's {@code port} through the service proxy while an upgrade runs. */
public record ProbeSpec(String path, Integer port) {
}
