package io.upshift.cluster;

import org.apache.camel.ExchangePattern;
import org.apache.camel.Predicate;
import org.apache.camel.builder.endpoint.EndpointRouteBuilder;

/**
 * Replicas working together. Route {@code signals} takes what the other replicas signal (see
 * {@link Signals}): a lock taken or released makes this replica look at the upgrade's lock (resume
 * it if free, else check again when its lease ends); an action stored for an upgrade this replica
 * runs is decided by its event loop; an answer completes the request waiting for it; new events of an
 * upgrade wake its followers here. Route
 * {@code submit-action} sends an operator action to the event loop here, or to the replica that
 * runs the upgrade.
 */
public class ClusterRoutes extends EndpointRouteBuilder {

    static final String RECONCILER = "reconciler";
    static final String FORWARDED = "forwardedActions";

    @Override
    public void configure() {
        from(seda("signals"))
                .routeId("signals")
                .choice()
                    .when(kind(Signal.Kind.ANSWERED))
                        .bean(FORWARDED, "answered(${body.subject()})")
                    .when(kind(Signal.Kind.ACTION))
                        .to(direct("apply-forwarded-actions"))
                    .when(kind(Signal.Kind.EVENTS))
                        .bean("eventStreams", "wake(${body.subject()}, true)")
                    .when(kind(Signal.Kind.RESYNC))
                        .bean("eventStreams", "wakeAll")
                        .bean(RECONCILER, "watchAll")
                        .to(direct("apply-forwarded-actions"))
                    .otherwise()
                        // LOCKED, RELEASED: resumed here if the lock is free, else watched until its lease ends
                        .bean(RECONCILER, "watch(${body.subject()})")
                .end();

        from(direct("submit-action"))
                .routeId("submit-action")
                // a refusal goes back as it is to the caller (route upgrade-action), whose error handling answers it
                .errorHandler(noErrorHandler())
                .bean("handover", "admit")
                .choice()
                    .when(method(FORWARDED, "elsewhere"))
                        .bean(FORWARDED, "forward")
                    .otherwise()
                        .setExchangePattern(ExchangePattern.InOut)
                        .to(seda("reconcile").timeout("{{upshift.lifecycle.action-timeout}}"))
                .end();

        // the actions other replicas stored for the upgrades this one runs: decided as if received here
        from(direct("apply-forwarded-actions"))
                .routeId("apply-forwarded-actions")
                .bean(FORWARDED, "claim")
                .split(body())
                    .setProperty("request", body())
                    .setBody(simple("${body.event()}"))
                    .doTry()
                        .setExchangePattern(ExchangePattern.InOut)
                        .to(seda("reconcile").timeout("{{upshift.lifecycle.action-timeout}}"))
                        .bean(FORWARDED, "done(${exchangeProperty.request}, ${body})")
                    .doCatch(Exception.class)
                        .bean(FORWARDED, "refused(${exchangeProperty.request}, ${exception})")
                    .end()
                .end();
    }

    private static Predicate kind(Signal.Kind kind) {
        return exchange -> exchange.getMessage().getBody(Signal.class).kind() == kind;
    }
}
