package io.upshift.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.upshift.metrics.SqlStatementMetrics;
import io.upshift.metrics.UpgradeMetrics;
import io.upshift.upgrade.PlatformLock;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.StartupListener;

/**
 * Upshift's own metrics, in the Prometheus registry behind {@code /observe/metrics} (bean
 * {@code metricsRegistry}, bound by camel-micrometer-prometheus as it starts), scraped with Camel's
 * route metrics. The metrics are made once Camel has started, so that the gauge and counters are
 * there, at zero, before anything happened.
 */
@Configuration
public class MetricsConfiguration implements CamelConfiguration {

    @BindToRegistry(value = "upgradeMetrics", lazy = true)
    public UpgradeMetrics upgradeMetrics(@BeanInject("metricsRegistry") MeterRegistry registry,
            @BeanInject("platformLease") PlatformLock lock) {
        return new UpgradeMetrics(registry, () -> lock.holder(PlatformLock.PLATFORM).isPresent());
    }

    @Override
    public void configure(CamelContext camel) throws Exception {
        camel.addStartupListener((StartupListener) (context, alreadyStarted) -> {
            context.getRegistry().lookupByNameAndType("upgradeMetrics", UpgradeMetrics.class);
            SqlStatementMetrics statements = context.getRegistry().lookupByNameAndType("sqlStatementMetrics",
                    SqlStatementMetrics.class);
            MeterRegistry registry = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
            if (statements != null && registry != null) {
                statements.bindTo(registry);
            }
        });
    }
}
