package io.upshift.config;

import java.time.Clock;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.upshift.cluster.ForwardedActions;
import io.upshift.cluster.Handover;
import io.upshift.cluster.Leadership;
import io.upshift.cluster.Signals;
import io.upshift.kubernetes.Durations;
import io.upshift.lifecycle.Reconciler;
import io.upshift.store.Jdbc;
import io.upshift.store.UpgradeRecords;
import io.upshift.upgrade.PlatformLock;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.quartz.QuartzComponent;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.quartz.SchedulerException;

/**
 * Replicas working together: {@link Signals} between them (PostgreSQL NOTIFY), operator actions
 * forwarded to the replica that runs the upgrade, and the {@link Handover} when a replica stops
 * (readiness DOWN at once, leadership given up, upgrades handed over).
 */
@Configuration
public class HandoverConfiguration implements CamelConfiguration {

    @PropertyInject("upshift.shutdown.handover-timeout")
    private String handoverTimeout;

    @Override
    public void configure(CamelContext camel) throws Exception {
        camel.addService(camel.getRegistry().lookupByNameAndType("signals", Signals.class), true, true);
        camel.getManagementStrategy().addEventNotifier(camel.getRegistry().lookupByNameAndType("handover", Handover.class));
    }

    /** Signals from the other replicas go to route {@code signals} ({@code seda:signals}). */
    @BindToRegistry(value = "signals", lazy = true)
    public Signals signals(CamelContext camel, @BeanInject("jdbc") Jdbc jdbc,
            @PropertyInject("upshift.db.url") String url, @PropertyInject("upshift.db.user") String user,
            @PropertyInject("upshift.instance-id") String instanceId,
            @PropertyInject("upshift.signals.keep-alive") String keepAlive,
            @PropertyInject("upshift.signals.reconnect-delay") String reconnectDelay) {
        // no password is set for the embedded database (it makes its own at first start): resolved, not injected
        String password = camel.getPropertiesComponent().resolveProperty("upshift.db.password").orElse("");
        ProducerTemplate template = camel.createProducerTemplate();
        Endpoint route = camel.getEndpoint("seda:signals");
        return new Signals(url, user, password, jdbc, instanceId, Durations.parse(keepAlive), Durations.parse(reconnectDelay),
                signal -> template.sendBody(route, signal));
    }

    @BindToRegistry(value = "handover", lazy = true)
    public Handover handover(CamelContext camel) {
        return new Handover(() -> camel.getRegistry().lookupByNameAndType("reconciler", Reconciler.class),
                () -> camel.getRegistry().lookupByNameAndType("leadership", Leadership.class),
                () -> standby(camel), Durations.parse(handoverTimeout));
    }

    /**
     * A window due while this replica stops is not fired here (it would be refused): the clustered
     * job store leaves it to another replica, or to this one's successor, which recovers it.
     */
    private static void standby(CamelContext camel) {
        if (camel.hasComponent("quartz") instanceof QuartzComponent quartz && quartz.getScheduler() != null) {
            try {
                quartz.getScheduler().standby();
            } catch (SchedulerException e) {
                throw new IllegalStateException("Quartz standby: " + e.getMessage(), e);
            }
        }
    }

    @BindToRegistry(value = "forwardedActions", lazy = true)
    public ForwardedActions forwardedActions(@BeanInject("jdbc") Jdbc jdbc, @BeanInject("platformLease") PlatformLock lock,
            @BeanInject("upgradeRecords") UpgradeRecords records, @BeanInject("reconciler") Reconciler reconciler,
            @BeanInject("signals") Signals signals, @BeanInject("jsonMapper") ObjectMapper json,
            @BeanInject("clock") Clock clock, @PropertyInject("upshift.lifecycle.action-timeout") String timeout) {
        return new ForwardedActions(jdbc, lock, records, reconciler, signals, json, clock, Durations.parse(timeout));
    }

    /** {@code /observe/health/ready} is DOWN from the moment this replica starts to shut down. */
    @BindToRegistry("handoverHealth")
    public AbstractHealthCheck handoverHealth(CamelContext camel) {
        AbstractHealthCheck check = new AbstractHealthCheck("upshift", "handover") {
            @Override
            protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
                if (camel.getRegistry().lookupByNameAndType("handover", Handover.class).isDraining()) {
                    builder.message("shutting down: handing the running upgrades over").down();
                } else {
                    builder.up();
                }
            }

            @Override
            public boolean isLiveness() {
                return false;
            }
        };
        return check;
    }
}
