package io.upshift.kubernetes;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.AvailablePortFinder;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Boots the real application (sandbox mode, real routes and settings) and rolls a seeded service. */
class RollServiceRouteTest extends CamelMainTestSupport {

    @TempDir
    static Path dataDir;

    /** None: application.properties names the configuration classes and route builders (no package scan). */
    @Override
    protected Class<?> getMainClass() {
        return null;
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "file:application.properties";
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern("file:routes/*.camel.yaml");
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = new Properties();
        p.setProperty("upshift.data.dir", dataDir.toString());
        p.setProperty("camel.server.port", Integer.toString(AvailablePortFinder.getNextAvailable()));
        p.setProperty("upshift.sandbox.readiness-delay", "50ms");
        return p;
    }

    @Test
    void rollServiceRollsASeededDeployment() {
        List<String> progress = new CopyOnWriteArrayList<>();
        RolloutListener listener = progress::add;
        ServiceStep step = new ServiceStep("up-3", "5.1.2.04", "gateway", "platform", "gateway", null,
                "registry.upshift.local/dataphin/gateway:5.1.2.04", StepAction.ROLLING);

        StepResult result = template.requestBodyAndHeader("direct:roll-service", step, RolloutListener.HEADER, listener,
                StepResult.class);

        assertThat(result.outcome()).isEqualTo(StepOutcome.ROLLED);
        assertThat(result.minAvailable()).isEqualTo(2);
        assertThat(progress).contains("gateway: 2/2 updated, 2 available");
        KubernetesClient client = context.getRegistry().lookupByNameAndType("kubernetesClient", KubernetesClient.class);
        assertThat(client.apps().deployments().inNamespace("platform").withName("gateway").get().getSpec().getTemplate()
                .getSpec().getContainers().get(0).getImage()).isEqualTo("registry.upshift.local/dataphin/gateway:5.1.2.04");
        assertThat(dataDir.resolve("sandbox.kubeconfig")).exists();
    }
}
