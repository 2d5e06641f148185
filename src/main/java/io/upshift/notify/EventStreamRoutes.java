package io.upshift.notify;

import org.apache.camel.builder.endpoint.EndpointRouteBuilder;

/**
 * The upgrades' event streams ({@link EventStreams}, served by {@link EventStreamHttp}). Route
 * {@code upgrade-events} pumps a channel when the journal has news of its upgrade (written here, or
 * signalled by the replica running it): one thread, a wake-up at most queued once per upgrade.
 * Route {@code event-stream-heartbeat} keeps idle streams open through proxies and drops followers
 * that stopped reading.
 */
public class EventStreamRoutes extends EndpointRouteBuilder {

    static final String STREAMS = "eventStreams";
    /** Wake-ups waiting: one per followed upgrade at most (a queued one reads everything new). */
    public static final int WAKE_QUEUE = 1000;

    /** The endpoint that queues a pump of an upgrade's followers; it never waits. */
    public static String wakeUri() {
        return "seda:upgrade-events?size=" + WAKE_QUEUE + "&discardWhenFull=true&waitForTaskToComplete=Never";
    }

    @Override
    public void configure() {
        from(seda("upgrade-events").size(WAKE_QUEUE).concurrentConsumers(1))
                .routeId("upgrade-events")
                .bean(STREAMS, "pump(${body})");

        from(timer("event-stream-heartbeat").period("{{upshift.events.heartbeat}}").delay("{{upshift.events.heartbeat}}"))
                .routeId("event-stream-heartbeat")
                .bean(STREAMS, "heartbeat");
    }
}
