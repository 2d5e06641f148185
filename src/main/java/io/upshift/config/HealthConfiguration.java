package io.upshift.config;

import java.sql.Connection;
import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.upshift.kubernetes.Durations;
import io.upshift.web.HealthProbe;
import io.upshift.web.SharedHealthProbe;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.PropertyInject;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The health answer without a login ({@link HealthProbe}: up or down from Camel's checks, no
 * messages, which can name hosts and URLs). Readiness beyond Camel's own: {@code /observe/health/ready} (and the combined
 * {@code /observe/health}) is DOWN until every route has started (the HTTP server answers before
 * the API's routes and login handlers exist), and when the database or the Kubernetes API cannot
 * be reached, since no upgrade can be accepted or rolled then. None of these is a liveness check
 * ({@code /observe/health/live}): a replica that cannot reach the database needs no restart. The
 * checks look their beans up when called, so they can be bound before those beans exist.
 */
@Configuration
public class HealthConfiguration implements CamelConfiguration {

    private final AtomicBoolean started = new AtomicBoolean();

    /** Every route (REST consumers, behind the login handlers installed before them) runs once Camel has fully started. */
    @Override
    public void configure(CamelContext camel) throws Exception {
        camel.addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
                // not yet: the routes start after this
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
                started.set(true);
            }
        });
    }

    /** The anonymous probes: Camel's checks, run at most once per upshift.health.anonymous-max-age. */
    @BindToRegistry(value = "healthProbe", lazy = true)
    public HealthProbe healthProbe(CamelContext camel, @BeanInject("clock") Clock clock,
            @PropertyInject("upshift.health.anonymous-max-age") String maxAge) {
        return new SharedHealthProbe(checks(camel), clock, Durations.parse(maxAge));
    }

    private static HealthProbe checks(CamelContext camel) {
        return kind -> {
            Collection<HealthCheck.Result> results = switch (kind) {
                case LIVENESS -> HealthCheckHelper.invokeLiveness(camel);
                case READINESS -> HealthCheckHelper.invokeReadiness(camel);
                case ALL -> HealthCheckHelper.invoke(camel);
            };
            return results.stream().noneMatch(r -> r.getState() == HealthCheck.State.DOWN);
        };
    }

    @BindToRegistry("apiHealth")
    public AbstractHealthCheck apiHealth() {
        return new ReadinessCheck("api") {
            @Override
            protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
                if (started.get()) {
                    builder.up();
                } else {
                    builder.message("the routes are starting").down();
                }
            }
        };
    }

    @BindToRegistry("databaseHealth")
    public AbstractHealthCheck databaseHealth(CamelContext camel) {
        return new ReadinessCheck("database") {
            @Override
            protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
                try (Connection c = camel.getRegistry().lookupByNameAndType("dataSource", DataSource.class).getConnection()) {
                    if (c.isValid(2)) {
                        builder.up();
                    } else {
                        builder.message("the database connection is not valid").down();
                    }
                } catch (Exception e) {
                    builder.message("the database cannot be reached: " + e.getMessage()).down();
                }
            }
        };
    }

    @BindToRegistry("kubernetesHealth")
    public AbstractHealthCheck kubernetesHealth(CamelContext camel) {
        return new ReadinessCheck("kubernetes") {
            @Override
            protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
                try {
                    String namespace = camel.resolvePropertyPlaceholders("{{upshift.kubernetes.namespace}}");
                    // a request the least-privilege role allows: list Deployments, at most one
                    camel.getRegistry().lookupByNameAndType("kubernetesClient", KubernetesClient.class).apps()
                            .deployments().inNamespace(namespace).list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                                    .withLimit(1L).build());
                    builder.up();
                } catch (Exception e) {
                    builder.message("the Kubernetes API cannot be reached: " + e.getMessage()).down();
                }
            }
        };
    }

    /** A check of /observe/health/ready only. */
    private abstract static class ReadinessCheck extends AbstractHealthCheck {

        ReadinessCheck(String id) {
            super("upshift", id);
        }

        @Override
        public boolean isLiveness() {
            return false;
        }
    }
}
