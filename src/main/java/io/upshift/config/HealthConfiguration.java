package io.upshift.config;

import java.sql.Connection;
import java.util.Collection;
import java.util.Map;

import javax.sql.DataSource;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.upshift.web.HealthProbe;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The health answer without a login ({@link HealthProbe}: up or down from Camel's checks, no
 * messages, which can name hosts and URLs). And readiness beyond Camel's own: {@code /observe/health} is DOWN when the database or the
 * Kubernetes API cannot be reached, since no upgrade can be accepted or rolled then. The checks
 * look their beans up when called, so they can be bound before those beans exist.
 */
@Configuration
public class HealthConfiguration implements CamelConfiguration {

    @BindToRegistry("healthProbe")
    public HealthProbe healthProbe(CamelContext camel) {
        return kind -> {
            Collection<HealthCheck.Result> results = switch (kind) {
                case LIVENESS -> HealthCheckHelper.invokeLiveness(camel);
                case READINESS -> HealthCheckHelper.invokeReadiness(camel);
                case ALL -> HealthCheckHelper.invoke(camel);
            };
            return results.stream().noneMatch(r -> r.getState() == HealthCheck.State.DOWN);
        };
    }

    @BindToRegistry("databaseHealth")
    public AbstractHealthCheck databaseHealth(CamelContext camel) {
        return new AbstractHealthCheck("upshift", "database") {
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
        return new AbstractHealthCheck("upshift", "kubernetes") {
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
}
