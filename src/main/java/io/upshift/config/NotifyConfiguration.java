package io.upshift.config;

import java.net.http.HttpClient;
import java.time.Clock;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.upshift.kubernetes.Durations;
import io.upshift.metrics.UpgradeMetrics;
import io.upshift.notify.Deliveries;
import io.upshift.notify.Messages;
import io.upshift.notify.Notifier;
import io.upshift.notify.NotifyRoutes;
import io.upshift.notify.Outbox;
import io.upshift.notify.Receiver;
import io.upshift.notify.Receivers;
import io.upshift.store.Jdbc;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.PropertyInject;
import org.apache.camel.support.service.ServiceSupport;

/** Notifications: the receivers of the settings, the outbox, the publisher and what the delivery routes call. */
@Configuration
public class NotifyConfiguration implements CamelConfiguration {

    @BindToRegistry(value = "notifyOutbox", lazy = true)
    public Outbox notifyOutbox(@BeanInject("jdbc") Jdbc jdbc, @BeanInject("jsonMapper") ObjectMapper json,
            @BeanInject("clock") Clock clock) {
        return new Outbox(jdbc, json, clock);
    }

    /** The publisher; it wakes a receiver's delivery route ({@code seda:notify-<name>}) without waiting. */
    @BindToRegistry(value = "notifier", lazy = true)
    public Notifier notifier(CamelContext camel, @BeanInject("notifyOutbox") Outbox outbox, @BeanInject("jdbc") Jdbc jdbc,
            @BeanInject("clock") Clock clock) throws Exception {
        Notifier notifier = new Notifier(outbox, jdbc, receivers(camel), clock);
        ProducerTemplate template = camel.createProducerTemplate();
        template.start();
        notifier.connect(name -> template.sendBody(NotifyRoutes.wakeUri(name), name));
        camel.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                template.stop();
            }
        }, true, false);
        return notifier;
    }

    @BindToRegistry(value = "deliveries", lazy = true)
    public Deliveries deliveries(CamelContext camel, @BeanInject("notifyOutbox") Outbox outbox,
            @BeanInject("jsonMapper") ObjectMapper json,
            @PropertyInject("upshift.notify.console-url") String consoleUrl,
            @PropertyInject("upshift.notify.timeout") String timeout,
            @PropertyInject("upshift.notify.attempts") int attempts,
            @BeanInject("upgradeMetrics") UpgradeMetrics metrics) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Durations.parse(timeout))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        return new Deliveries(outbox, new Messages(json, consoleUrl), receivers(camel), http, Durations.parse(timeout),
                attempts, metrics::notification);
    }

    private static List<Receiver> receivers(CamelContext camel) {
        return Receivers.from(camel.getPropertiesComponent().loadProperties(key -> key.startsWith(Receivers.PREFIX)));
    }
}
