package io.upshift.config;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.upshift.kubernetes.ApiRetry;
import io.upshift.cluster.Signal;
import io.upshift.cluster.Signals;
import io.upshift.intake.DocumentReader;
import io.upshift.kubernetes.Durations;
import io.upshift.kubernetes.RolloutListener;
import io.upshift.kubernetes.StepResult;
import io.upshift.lifecycle.Lifecycle;
import io.upshift.precheck.Prechecker;
import io.upshift.lifecycle.Reconciler;
import io.upshift.store.Jdbc;
import io.upshift.store.PlatformVersion;
import io.upshift.store.UpgradeLog;
import io.upshift.store.UpgradeRecords;
import io.upshift.upgrade.Compatibility;
import io.upshift.upgrade.PlatformLock;
import io.upshift.upgrade.PlatformSnapshot;
import io.upshift.upgrade.PlatformLockRepository;
import io.upshift.upgrade.UpgradeHttp;
import io.upshift.upgrade.UpgradeIds;
import io.upshift.upgrade.UpgradeJobs;
import io.upshift.kubernetes.VerifyJobs;
import io.upshift.upgrade.UpgradeImportGuard;
import io.upshift.upgrade.UpgradePlanner;
import io.upshift.upgrade.UpgradeRequest;
import io.upshift.probe.AvailabilityProbes;
import io.upshift.verify.Verifier;
import io.upshift.upgrade.VersionDiffs;
import io.upshift.version.VersionStore;
import org.apache.camel.AsyncProducer;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.PropertyInject;
import org.apache.camel.support.service.ServiceSupport;

/** Beans of the upgrade pipeline: stores, planner, lock, and the lifecycle's reconciler. */
@Configuration
public class UpgradeConfiguration implements CamelConfiguration {

    @BindToRegistry(value = "compatibility", lazy = true)
    public Compatibility compatibility() {
        return new Compatibility();
    }

    @BindToRegistry(value = "jdbc", lazy = true)
    public Jdbc jdbc(@BeanInject("dataSource") DataSource dataSource) {
        return new Jdbc(dataSource);
    }

    /**
     * Each change of a record also writes its events to the notifications' outbox, in the same
     * transaction, and is counted in the upgrade metrics and written to the event journal once committed.
     */
    @BindToRegistry(value = "upgradeRecords", lazy = true)
    public UpgradeRecords upgradeRecords(@BeanInject("jdbc") Jdbc jdbc, @BeanInject("jsonMapper") ObjectMapper json,
            @BeanInject("notifier") io.upshift.notify.Notifier notifier,
            @BeanInject("upgradeMetrics") io.upshift.metrics.UpgradeMetrics metrics,
            @BeanInject("eventJournal") io.upshift.notify.EventJournal events) {
        return new UpgradeRecords(jdbc, json, io.upshift.store.RecordChanges.all(notifier, metrics, events));
    }

    /** Each line is also an event of the upgrade's event stream (the journal). */
    @BindToRegistry(value = "upgradeLog", lazy = true)
    public UpgradeLog upgradeLog(@BeanInject("jdbc") Jdbc jdbc, @BeanInject("clock") Clock clock,
            @BeanInject("eventJournal") io.upshift.notify.EventJournal events) {
        return new UpgradeLog(jdbc, clock, events::logged);
    }

    @BindToRegistry(value = "platformVersion", lazy = true)
    public PlatformVersion platformVersion(@BeanInject("jdbc") Jdbc jdbc, @BeanInject("clock") Clock clock,
            @PropertyInject("upshift.platform.current-version") String initialVersion) {
        return new PlatformVersion(jdbc, clock, initialVersion);
    }

    @BindToRegistry(value = "upgradeIds", lazy = true)
    public UpgradeIds upgradeIds() {
        return new UpgradeIds();
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
            @BeanInject("platformVersion") PlatformVersion platform, @BeanInject("upgradeRecords") UpgradeRecords upgrades,
            @BeanInject("compatibility") Compatibility compatibility,
            @BeanInject("kubernetesClient") KubernetesClient client,
            @PropertyInject("upshift.kubernetes.namespace") String namespace,
            @BeanInject("upgradeRequestReader") DocumentReader<UpgradeRequest> reader,
            @BeanInject("kubernetesRetry") ApiRetry retry) {
        return new UpgradePlanner(versions, platform, upgrades, compatibility, client, namespace, reader, retry);
    }

    /** The pre-checks: their reads of the cluster run in parallel on a small pool of their own. */
    @BindToRegistry(value = "prechecker", lazy = true)
    public Prechecker prechecker(CamelContext camel, @BeanInject("kubernetesClient") KubernetesClient client,
            @BeanInject("upgradeRecords") UpgradeRecords records, @BeanInject("versionStore") VersionStore versions,
            @PropertyInject("upshift.rollout.max-surge") String maxSurge,
            @PropertyInject("upshift.precheck.threads") int threads, @BeanInject("kubernetesRetry") ApiRetry retry) {
        return new Prechecker(client, records, versions, maxSurge,
                camel.getExecutorServiceManager().newFixedThreadPool(this, "prechecks", threads), retry);
    }

    /** A release's jobs: Jobs created, watched and read on a small pool of their own; nothing waits on a running Job. */
    @BindToRegistry(value = "upgradeJobs", lazy = true)
    public UpgradeJobs upgradeJobs(CamelContext camel, @BeanInject("kubernetesClient") KubernetesClient client,
            @PropertyInject("upshift.jobs.timeout") String timeout,
            @PropertyInject("upshift.jobs.keep-for") String keepFor,
            @PropertyInject("upshift.jobs.log-lines") int logLines, @BeanInject("kubernetesRetry") ApiRetry retry) {
        var executors = camel.getExecutorServiceManager();
        VerifyJobs jobs = new VerifyJobs(client, executors.newSingleThreadScheduledExecutor(this, "upgrade-job-timers"),
                executors.newFixedThreadPool(this, "upgrade-jobs", 2), logLines, retry);
        return new UpgradeJobs(jobs, new UpgradeJobs.Settings(Durations.parse(timeout), Durations.parse(keepFor)));
    }

    /**
     * The lifecycle's reconciler: events go to route {@code reconcile} ({@code seda:reconcile});
     * service steps to route {@code roll-service}, sent from a small pool so a step's start never
     * waits on the event loop.
     */
    @BindToRegistry(value = "reconciler", lazy = true)
    public Reconciler reconciler(CamelContext camel, @BeanInject("upgradeRecords") UpgradeRecords records,
            @BeanInject("upgradeLog") UpgradeLog log, @BeanInject("platformVersion") PlatformVersion platform,
            @BeanInject("platformLease") PlatformLock lock, @BeanInject("upgradePlanner") UpgradePlanner planner,
            @BeanInject("upgradeIds") UpgradeIds ids, @BeanInject("clock") Clock clock,
            @BeanInject("prechecker") Prechecker prechecker, @BeanInject("signals") Signals signals,
            @BeanInject("verifier") Verifier verifier, @BeanInject("availabilityProbes") AvailabilityProbes probes,
            @BeanInject("upgradeJobs") UpgradeJobs jobs,
            @PropertyInject("upshift.upgrade.parallelism") int parallelism,
            @PropertyInject("upshift.upgrade.rollback-on-failure") boolean rollbackOnFailure,
            @PropertyInject("upshift.upgrade.start-delay") String startDelay,
            @PropertyInject("upshift.upgrade.threads") int threads,
            @PropertyInject("upshift.db.outage-retry") String outageRetry,
            @PropertyInject("upshift.db.outage-max-retry") String outageMaxRetry,
            @PropertyInject("upshift.db.outage-deadline") String outageDeadline) throws Exception {
        var executors = camel.getExecutorServiceManager();
        ExecutorService workers = executors.newFixedThreadPool(this, "upgrade", threads);
        Reconciler reconciler = new Reconciler(records, log, platform, lock, planner, ids,
                new Lifecycle(rollbackOnFailure, Durations.parse(startDelay)), clock, parallelism,
                executors.newSingleThreadScheduledExecutor(this, "upgrade-timers"), prechecker, workers);
        reconciler.verifyWith(verifier);
        reconciler.probeWith(probes);
        reconciler.jobsWith(jobs);
        reconciler.storageOutage(new Reconciler.StorageOutage(Durations.parse(outageRetry), Durations.parse(outageMaxRetry),
                Durations.parse(outageDeadline)));
        ProducerTemplate template = camel.createProducerTemplate();
        template.start();
        Endpoint loop = camel.getEndpoint("seda:reconcile");
        Endpoint roll = camel.getEndpoint("direct:roll-service");
        Endpoint signalRoute = camel.getEndpoint("seda:signals");
        AsyncProducer producer = roll.createAsyncProducer();
        producer.start();
        reconciler.connect(event -> template.sendBody(loop, event), (step, listener) -> {
            CompletableFuture<StepResult> done = new CompletableFuture<>();
            workers.execute(() -> {
                Exchange exchange = roll.createExchange();
                exchange.getMessage().setBody(step);
                exchange.getMessage().setHeader(RolloutListener.HEADER, listener);
                producer.processAsync(exchange).whenComplete((ex, error) -> {
                    Throwable failure = error != null ? error : exchange.getException();
                    if (failure != null) {
                        done.completeExceptionally(failure);
                    } else {
                        done.complete(exchange.getMessage().getBody(StepResult.class));
                    }
                });
            });
            return done;
        }, (kind, id) -> {
            signals.send(kind, id);
            if (kind == Signal.Kind.LOCKED) {
                // an upgrade taken over may have actions waiting that its previous owner never decided
                template.sendBody(signalRoute, new Signal(Signal.Kind.ACTION, id, lock.instanceId()));
            }
        });
        // a plain bean, not a Camel Service: routes calling it must not stop it when they stop
        camel.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                reconciler.close();
                producer.stop();
                template.stop();
                workers.shutdownNow();
            }
        }, true, false);
        return reconciler;
    }

    @BindToRegistry(value = "upgradeHttp", lazy = true)
    public UpgradeHttp upgradeHttp(@BeanInject("upgradeRecords") UpgradeRecords records,
            @BeanInject("upgradeLog") UpgradeLog log, @BeanInject("jsonMapper") ObjectMapper json) {
        return new UpgradeHttp(records, log, json);
    }

    @BindToRegistry(value = "platformSnapshot", lazy = true)
    public PlatformSnapshot platformSnapshot(@BeanInject("kubernetesClient") KubernetesClient client,
            @BeanInject("platformVersion") PlatformVersion platform, @BeanInject("versionStore") VersionStore versions,
            @PropertyInject("upshift.kubernetes.namespace") String namespace, @BeanInject("kubernetesRetry") ApiRetry retry) {
        return new PlatformSnapshot(client, platform, versions, namespace, retry);
    }

    @BindToRegistry(value = "versionDiffs", lazy = true)
    public VersionDiffs versionDiffs(@BeanInject("versionStore") VersionStore versions) {
        return new VersionDiffs(versions);
    }

    @BindToRegistry(value = "importGuard", lazy = true)
    public UpgradeImportGuard importGuard(@BeanInject("upgradeRecords") UpgradeRecords records) {
        return new UpgradeImportGuard(records);
    }
}
