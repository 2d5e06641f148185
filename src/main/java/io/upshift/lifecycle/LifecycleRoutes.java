package io.upshift.lifecycle;

import org.apache.camel.builder.endpoint.EndpointRouteBuilder;

/**
 * The lifecycle's event loop and its timers. Every input of every upgrade (accepted, step started
 * or finished, phase ended, operator action, window closed, lease lost, restart) is one message on
 * {@code seda:reconcile}, taken by one consumer: read, decide, persist, act, one event at a time,
 * so decisions never race. Operator actions wait for their answer (InOut); the rest is fire and
 * forget. The REST, inbox and Quartz routes are adapters that feed it.
 */
public class LifecycleRoutes extends EndpointRouteBuilder {

    static final String RECONCILER = "reconciler";

    @Override
    public void configure() {
        // one consumer: the loop; the queue is bounded (camel.component.seda.queue-size), a full one refuses
        from(seda("reconcile").concurrentConsumers(1))
                .routeId("reconcile")
                // a refusal goes back as it is to the action's caller, whose error handling answers it
                // (an error handler here would mark it exhausted, and the caller's would not answer);
                // an internal event's failure is logged by the consumer, and the next event reconciles again
                .errorHandler(noErrorHandler())
                .bean(RECONCILER, "read")
                // a step or phase of a run this process no longer drives is dropped
                .filter(simple("${body.relevant()}"))
                    .bean(RECONCILER, "decide")
                    .bean(RECONCILER, "persist")
                    .bean(RECONCILER, "act")
                .end();

        // keeps the platform lock of the upgrades this process drives; a crashed process's lease runs out
        from(timer("lock-heartbeat").period("{{upshift.lock.heartbeat-interval}}"))
                .routeId("lock-heartbeat")
                .bean(RECONCILER, "heartbeat");

        // at start, on every replica: the upgrades not ended are reconciled again once their lock is
        // free (at once, or when their owner's lease ends); the lock decides which replica resumes
        // each. Not the leader's job: a new leader waits a whole lease before it leads.
        from(timer("resume-upgrades").repeatCount(1).delay(0))
                .routeId("resume-upgrades")
                .bean(RECONCILER, "resumeInterrupted")
                .filter(simple("${body.size()} > 0"))
                    .log("Resuming interrupted upgrades: ${body}")
                .end();
    }
}
