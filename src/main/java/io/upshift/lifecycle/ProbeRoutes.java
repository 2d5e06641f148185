package io.upshift.lifecycle;

import org.apache.camel.builder.endpoint.EndpointRouteBuilder;

/**
 * Availability measured during upgrades: every {@code upshift.probe.interval} one round of probes
 * through the service proxy for the upgrades this process drives ({@code AvailabilityProbes}); the
 * requests are asynchronous and bounded by {@code upshift.probe.timeout}, so a round never waits on
 * one and the timer keeps its pace.
 */
public class ProbeRoutes extends EndpointRouteBuilder {

    @Override
    public void configure() {
        from(timer("availability-probes").period("{{upshift.probe.interval}}").fixedRate(true))
                .routeId("availability-probes")
                .bean("availabilityProbes", "tick");
    }
}
