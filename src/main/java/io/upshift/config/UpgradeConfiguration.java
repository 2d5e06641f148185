package io.upshift.config;

import java.time.Clock;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.upshift.intake.DocumentReader;
import io.upshift.kubernetes.Durations;
import io.upshift.upgrade.Compatibility;
import io.upshift.upgrade.PlatformLock;
import io.upshift.upgrade.PlatformLockRepository;
import io.upshift.upgrade.UpgradeExecution;
import io.upshift.upgrade.UpgradeHttp;
import io.upshift.upgrade.UpgradeImportGuard;
import io.upshift.upgrade.UpgradePlanner;
import io.upshift.upgrade.UpgradeProgressAggregator;
import io.upshift.upgrade.UpgradeRequest;
import io.upshift.upgrade.UpgradeStore;
import io.upshift.version.VersionStore;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.support.service.ServiceSupport;

/** Beans of the upgrade pipeline: planner, lock, store, execution and the progress aggregator. */
@Configuration
public class UpgradeConfiguration implements CamelConfiguration {

    @BindToRegistry(value = "compatibility", lazy = true)
    public Compatibility compatibility() {
        return new Compatibility();
    }

    @BindToRegistry(value = "upgradeStore", lazy = true)
    public UpgradeStore upgradeStore(@BeanInject("dataSource") DataSource dataSource,
            @BeanInject("jsonMapper") ObjectMapper json, @BeanInject("clock") Clock clock,
            @PropertyInject("upshift.platform.current-version") String initialVersion) {
        return new UpgradeStore(dataSource, json, clock, initialVersion);
    }

    @BindToRegistry(value = "platformLease", lazy = true)
    public PlatformLock platformLease(@BeanInject("dataSource") DataSource dataSource, @BeanInject("clock") Clock clock,
            @PropertyInject("upshift.instance-id") String instanceId, @PropertyInject("upshift.lock.lease") String lease) {
        return new PlatformLock(dataSource, clock, instanceId, Durations.parse(lease));
    }

    /** The platform lock as an idempotent repository, for the idempotent consumer in start-upgrade. */
    @BindToRegistry(value = PlatformLockRepository.BEAN_NAME, lazy = true)
    public PlatformLockRepository platformLock(@BeanInject("platformLease") PlatformLock lock) {
        return new PlatformLockRepository(lock);
    }

    @BindToRegistry(value = "upgradePlanner", lazy = true)
    public UpgradePlanner upgradePlanner(@BeanInject("versionStore") VersionStore versions,
            @BeanInject("upgradeStore") UpgradeStore upgrades, @BeanInject("compatibility") Compatibility compatibility,
            @BeanInject("kubernetesClient") KubernetesClient client,
            @PropertyInject("upshift.kubernetes.namespace") String namespace,
            @BeanInject("upgradeRequestReader") DocumentReader<UpgradeRequest> reader) {
        return new UpgradePlanner(versions, upgrades, compatibility, client, namespace, reader);
    }

    @BindToRegistry(value = "upgradeExecution", lazy = true)
    public UpgradeExecution upgradeExecution(CamelContext camel, @BeanInject("upgradeStore") UpgradeStore store,
            @BeanInject("platformLease") PlatformLock lock, @BeanInject("clock") Clock clock,
            @PropertyInject("upshift.upgrade.parallelism") int parallelism,
            @PropertyInject("upshift.upgrade.rollback-on-failure") boolean rollbackOnFailure,
            @PropertyInject("upshift.upgrade.threads") int threads) throws Exception {
        var executors = camel.getExecutorServiceManager();
        UpgradeExecution execution = new UpgradeExecution(camel, store, lock, clock, parallelism, rollbackOnFailure,
                executors.newFixedThreadPool(this, "upgrade", threads),
                executors.newSingleThreadScheduledExecutor(this, "upgrade-timers"));
        execution.open();
        // a plain bean, not a Camel Service: routes calling it must not stop it when they stop
        camel.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                execution.close();
            }
        }, true, false);
        return execution;
    }

    @BindToRegistry(value = "upgradeProgress", lazy = true)
    public UpgradeProgressAggregator upgradeProgress(@BeanInject("upgradeStore") UpgradeStore store) {
        return new UpgradeProgressAggregator(store);
    }

    @BindToRegistry(value = "upgradeHttp", lazy = true)
    public UpgradeHttp upgradeHttp() {
        return new UpgradeHttp();
    }

    @BindToRegistry(value = "importGuard", lazy = true)
    public UpgradeImportGuard importGuard(@BeanInject("upgradeStore") UpgradeStore store) {
        return new UpgradeImportGuard(store);
    }
}
