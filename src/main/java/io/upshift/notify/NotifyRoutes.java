package io.upshift.notify;

import io.upshift.kubernetes.Durations;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.endpoint.EndpointRouteBuilder;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;

/**
 * Notification delivery. Each receiver has a route, {@code notify-<name>}, woken through
 * {@code seda:notify-<name>} whenever the outbox has something new for it (and once at start):
 * it sends the receiver's pending deliveries one after the other, oldest first, so the receiver
 * gets them in order. Route {@code notify-send} makes one attempt and, when the receiver fails,
 * tries again with exponential backoff ({@code upshift.notify.*}) until the attempts are used up;
 * then the delivery is FAILED and the next one goes. A receiver's route waits (its one thread)
 * while it backs off; the upgrade, which only wrote the outbox, never does. On shutdown the
 * backoff stops at once; what is pending stays in the outbox for the next start.
 */
public class NotifyRoutes extends EndpointRouteBuilder {

    static final String DELIVERIES = "deliveries";
    static final String NOTIFIER = "notifier";
    private static final String REDELIVERY = "notifyRedelivery";
    /** Wake-ups a receiver's queue holds: more would be redundant (one drains everything pending). */
    public static final int WAKE_QUEUE = 100;

    /** The endpoint that wakes a receiver's route; a full queue drops the wake-up. */
    public static String wakeUri(String receiver) {
        return "seda:notify-" + receiver + "?size=" + WAKE_QUEUE + "&discardWhenFull=true&waitForTaskToComplete=Never";
    }

    @Override
    public void configure() throws Exception {
        int attempts = Integer.parseInt(getCamelContext().resolvePropertyPlaceholders("{{upshift.notify.attempts}}"));
        long initialDelay = Durations.parse(getCamelContext().resolvePropertyPlaceholders(
                "{{upshift.notify.initial-delay}}")).toMillis();
        long maxDelay = Durations.parse(getCamelContext().resolvePropertyPlaceholders("{{upshift.notify.max-delay}}"))
                .toMillis();
        if (attempts < 1) {
            throw new IllegalStateException("upshift.notify.attempts must be at least 1");
        }

        RedeliveryPolicy backoff = new RedeliveryPolicy();
        backoff.setMaximumRedeliveries(attempts - 1);
        backoff.setRedeliveryDelay(initialDelay);
        backoff.setUseExponentialBackOff(true);
        backoff.setBackOffMultiplier(2);
        backoff.setMaximumRedeliveryDelay(maxDelay);
        backoff.setAllowRedeliveryWhileStopping(false);
        backoff.setRetryAttemptedLogLevel(LoggingLevel.DEBUG);
        backoff.setLogStackTrace(false);
        backoff.setLogExhausted(false);
        getCamelContext().getRegistry().bind(REDELIVERY, backoff);

        from(direct("notify-send"))
                .routeId("notify-send")
                .onException(DeliveryFailedException.class)
                    .redeliveryPolicyRef(REDELIVERY)
                    .handled(true)
                    .choice()
                        .when(method(DELIVERIES, "usedUp"))
                            .bean(DELIVERIES, "abandon")
                        .otherwise()
                            // stopping: the delivery stays pending for the next start
                            .log(LoggingLevel.INFO, "Notification ${body.eventId()} to ${body.receiver()} left pending")
                            .stop()
                    .end()
                .end()
                .bean(DELIVERIES, "deliver");

        for (Receiver receiver : getCamelContext().getRegistry().lookupByNameAndType(NOTIFIER, Notifier.class).receivers()) {
            from(seda("notify-" + receiver.name()).size(WAKE_QUEUE).concurrentConsumers(1))
                    .routeId("notify-" + receiver.name())
                    .bean(DELIVERIES, "next(${body})")
                    .loopDoWhile(body().isNotNull())
                        .to(direct("notify-send"))
                        .bean(DELIVERIES, "after")
                    .end();
        }

        // at start: what a previous process left pending goes out
        from(timer("notify-resume").repeatCount(1).delay(0))
                .routeId("notify-resume")
                .bean(NOTIFIER, "wakeAll");
    }
}
