package io.upshift.config;

import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.upshift.cluster.Signal;
import io.upshift.cluster.Signals;
import io.upshift.kubernetes.Durations;
import io.upshift.metrics.UpgradeMetrics;
import io.upshift.notify.EventJournal;
import io.upshift.notify.EventStreamHttp;
import io.upshift.notify.EventStreamRoutes;
import io.upshift.notify.EventStreams;
import io.upshift.store.Jdbc;
import io.upshift.store.UpgradeRecords;
import io.upshift.web.Replies;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live events: the journal of each upgrade's events, its followers, and {@code GET
 * /api/upgrades/{id}/events} on the HTTP server's router (installed when the routes start, like the
 * access handlers, which run before it).
 */
@Configuration
public class EventsConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(EventsConfiguration.class);

    @BindToRegistry(value = "eventJournal", lazy = true)
    public EventJournal eventJournal(@BeanInject("jdbc") Jdbc jdbc, @BeanInject("jsonMapper") ObjectMapper json,
            @BeanInject("clock") Clock clock) {
        return new EventJournal(jdbc, json, clock);
    }

    @BindToRegistry(value = "eventStreams", lazy = true)
    public EventStreams eventStreams(@BeanInject("eventJournal") EventJournal journal,
            @BeanInject("upgradeRecords") UpgradeRecords records, @BeanInject("jsonMapper") ObjectMapper json,
            @BeanInject("clock") Clock clock, @BeanInject("upgradeMetrics") UpgradeMetrics metrics,
            @PropertyInject("upshift.events.max-followers") int maxFollowers,
            @PropertyInject("upshift.events.follower-buffer") int bufferBytes,
            @PropertyInject("upshift.events.slow-follower-timeout") String slowTimeout,
            @PropertyInject("upshift.events.page") int page) {
        EventStreams streams = new EventStreams(journal, records, json, clock,
                new EventStreams.Settings(maxFollowers, bufferBytes, Durations.parse(slowTimeout), page),
                metrics::droppedFollower);
        metrics.eventFollowers(streams::followers);
        return streams;
    }

    @Override
    public void configure(CamelContext camel) {
        camel.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.CamelContextRoutesStartingEvent;
            }

            @Override
            public void notify(CamelEvent event) throws Exception {
                install(((CamelEvent.CamelContextEvent) event).getContext());
            }
        });
    }

    private static void install(CamelContext camel) throws Exception {
        EventJournal journal = camel.getRegistry().lookupByNameAndType("eventJournal", EventJournal.class);
        EventStreams streams = camel.getRegistry().lookupByNameAndType("eventStreams", EventStreams.class);
        Signals signals = camel.getRegistry().lookupByNameAndType("signals", Signals.class);
        ProducerTemplate template = camel.createProducerTemplate();
        template.start();
        camel.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                template.stop();
            }
        }, true, false);
        String wake = EventStreamRoutes.wakeUri();
        streams.connect(id -> template.sendBody(wake, id));
        journal.connect(written -> {
            streams.wake(written.upgradeId(), written.recordChanged());
            try {
                signals.send(Signal.Kind.EVENTS, written.upgradeId());
            } catch (RuntimeException e) {
                LOG.warn("Could not signal the other replicas of new events of {}: {}", written.upgradeId(), e.getMessage());
            }
        });
        MainHttpServer server = camel.hasService(MainHttpServer.class);
        if (server == null || server.getRouter() == null) {
            throw new IllegalStateException("no HTTP server for the event streams: camel.server.enabled must be true");
        }
        ObjectMapper json = camel.getRegistry().lookupByNameAndType("jsonMapper", ObjectMapper.class);
        UpgradeRecords records = camel.getRegistry().lookupByNameAndType("upgradeRecords", UpgradeRecords.class);
        server.getRouter().get(EventStreamHttp.PATH).handler(new EventStreamHttp(streams, records, new Replies(json)));
    }
}
