package io.upshift.upgrade;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.upshift.RejectedException;
import io.upshift.kubernetes.RolloutListener;
import io.upshift.kubernetes.ServiceStep;
import io.upshift.kubernetes.StepAction;
import io.upshift.kubernetes.StepOutcome;
import io.upshift.kubernetes.StepResult;
import io.upshift.upgrade.ServiceProgress.PhaseKind;
import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs accepted upgrades. The plan is split across its services by a {@link DagRunner}: each
 * service enters route {@code upgrade-service} the moment every service it depends on is done, at
 * most {@code parallelism} at once, and no thread waits while a rollout runs. Each start and finish
 * goes to the progress aggregator ({@code upgrade-progress}), whose completion calls
 * {@link #finish}. A downtime upgrade runs two such phases: scale down in reverse dependency order,
 * then set the image and scale up in dependency order.
 */
public class UpgradeExecution implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UpgradeExecution.class);

    static final String SERVICE_ROUTE = "direct:upgrade-service";
    static final String PROGRESS_ROUTE = "direct:upgrade-progress";
    public static final String UPGRADE_ID = PlatformLockRepository.UPGRADE_ID;
    private static final long RESUME_RETRY_MARGIN_MS = 50;

    private final CamelContext camel;
    private final UpgradeStore store;
    private final PlatformLock lock;
    private final Clock clock;
    private final int parallelism;
    private final boolean rollbackOnFailure;
    private final ExecutorService workers;
    private final ScheduledExecutorService timers;
    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private ProducerTemplate template;
    private AsyncProducer serviceProducer;
    private Endpoint serviceEndpoint;

    public UpgradeExecution(CamelContext camel, UpgradeStore store, PlatformLock lock, Clock clock, int parallelism,
            boolean rollbackOnFailure, ExecutorService workers, ScheduledExecutorService timers) {
        this.camel = camel;
        this.store = store;
        this.lock = lock;
        this.clock = clock;
        this.parallelism = parallelism;
        this.rollbackOnFailure = rollbackOnFailure;
        this.workers = workers;
        this.timers = timers;
    }

    /** Opens the producers; the configuration ties {@link #close()} to Camel's shutdown. */
    public void open() throws Exception {
        template = camel.createProducerTemplate();
        template.start();
        serviceEndpoint = camel.getEndpoint(SERVICE_ROUTE);
        serviceProducer = serviceEndpoint.createAsyncProducer();
        serviceProducer.start();
    }

    @Override
    public void close() throws Exception {
        runs.values().forEach(Run::halt);
        if (serviceProducer != null) {
            serviceProducer.stop();
        }
        if (template != null) {
            template.stop();
        }
        workers.shutdownNow();
        timers.shutdownNow();
    }

    // ---- accepting

    /**
     * Records an accepted upgrade (PENDING), called while the platform lock is held for {@code id}.
     * {@code user} is the authenticated caller; it wins over the request's own {@code requestedBy}.
     */
    public UpgradeRecord accept(UpgradePlan plan, String id, String trigger, String idempotencyKey, String user) {
        UpgradeRequest request = plan.request();
        String requestedBy = user != null && !user.isBlank() ? user : request.requestedBy();
        List<ServiceProgress> services = new ArrayList<>();
        for (UpgradePlan.PlannedService s : plan.services()) {
            services.add(new ServiceProgress(s.name(), s.namespace(), s.deployment(), s.container(), s.dependsOn(),
                    ServiceState.PENDING, s.fromImage(), s.toImage(), s.replicas(), null, null, null,
                    s.alreadyAtTarget() ? "already at target" : "waiting", List.of()));
        }
        Instant now = clock.instant();
        UpgradeRecord record = new UpgradeRecord(id, plan.fromVersion(), plan.targetVersion(), plan.requestedMode(),
                plan.mode(), plan.modeReason(), UpgradeState.PENDING, trigger == null ? "http" : trigger,
                requestedBy, now, null, null, null, services, "accepted", request.windowEndsAt(), false);
        store.create(record, idempotencyKey);
        store.log(id, "request accepted (" + record.trigger() + (requestedBy == null ? ""
                : ", by " + requestedBy) + "): " + plan.fromVersion() + " → " + plan.targetVersion()
                + ", " + services.size() + " services");
        store.log(id, "mode: " + plan.mode() + " (requested " + plan.requestedMode() + "): " + plan.modeReason());
        return record;
    }

    // ---- running

    /** Starts (or, after a restart, resumes) an accepted upgrade; returns at once. */
    public void run(UpgradeRecord accepted) {
        Run run = new Run(accepted.id());
        if (runs.putIfAbsent(accepted.id(), run) != null) {
            return;
        }
        UpgradeRecord record = store.update(accepted.id(), r -> r.running(clock.instant(), "running"));
        store.log(record.id(), (accepted.state() == UpgradeState.RUNNING ? "resumed: " : "started: ")
                + record.mode() + ", parallelism " + parallelism);
        run.start(record);
    }

    /** Force stop: no new service starts, the lock is released, the record ends STOPPED at once. */
    public UpgradeRecord stop(String id, String by) {
        UpgradeRecord record = store.get(id);
        if (record.state().isFinal()) {
            throw new RejectedException(409, "upgrade already ended",
                    List.of("upgrade " + id + " ended " + record.state() + "; nothing to stop"));
        }
        Run run = runs.get(id);
        String reason = "force stopped" + (by == null ? "" : " by " + by);
        if (run != null) {
            run.stopRequested = reason;
            run.halt();
        }
        return end(id, UpgradeState.STOPPED, reason);
    }

    /** The aggregator's completion: every service has an outcome for this run. */
    public UpgradeRecord finish(UpgradeRecord aggregated) {
        String id = aggregated.id();
        UpgradeRecord record = store.get(id);
        Run run = runs.get(id);
        if (record.state().isFinal()) {
            runs.remove(id);
            return record;
        }
        if (run != null && run.stopRequested != null) {
            if (run.restoreOnStop) {
                store.log(id, run.stopRequested + "; bringing the services already down back up at their previous version");
                run.rollback(record, run.stopRequested, UpgradeState.STOPPED,
                        "; the services taken down were brought back up at their previous version");
                return store.get(id);
            }
            return end(id, UpgradeState.STOPPED, run.stopRequested);
        }
        if (record.isAllDone()) {
            store.setCurrentVersion(record.targetVersion());
            return end(id, UpgradeState.SUCCEEDED, "the platform runs " + record.targetVersion());
        }
        String failure = record.services().stream().filter(s -> s.state() == ServiceState.FAILED)
                .map(s -> s.message().startsWith(s.name() + ":") ? s.message() : s.name() + ": " + s.message()).findFirst().orElse("not every service reached its target");
        if (rollbackOnFailure && run != null) {
            store.update(id, r -> r.withMessage("rolling back: " + failure));
            store.log(id, "failed: " + failure + "; rolling back the services already changed, in reverse order");
            run.rollback(record, failure, UpgradeState.ROLLED_BACK, "; every changed service was rolled back");
            return store.get(id);
        }
        return end(id, UpgradeState.FAILED, failure);
    }

    /** Renews the lock of every upgrade this process runs; an upgrade whose lock was taken stops. */
    public void heartbeat() {
        for (String id : runs.keySet()) {
            try {
                lock.heartbeat(PlatformLock.PLATFORM, id);
            } catch (LockLostException e) {
                LOG.error("Upgrade {} lost the platform lock: stopping it", id);
                Run run = runs.get(id);
                if (run != null) {
                    run.stopRequested = "stopped: the platform lock was lost (" + e.getMessage() + ")";
                    run.halt();
                }
            }
        }
    }

    /**
     * At start: continue the upgrades a previous process left running, holding the lock again. An
     * upgrade whose lock another instance still holds (a live replica running it, or a crashed one
     * whose lease has not yet expired) is tried again when that lease expires, and so on until it
     * ends or this process takes it over.
     */
    public List<String> resumeInterrupted() {
        List<String> resumed = new ArrayList<>();
        for (UpgradeRecord record : store.active()) {
            if (tryResume(record, true)) {
                resumed.add(record.id());
            }
        }
        return resumed;
    }

    /** {@code first}: the start-up attempt, which also tells the upgrade's log why it waits (retries do not repeat it). */
    private boolean tryResume(UpgradeRecord record, boolean first) {
        if (record.state().isFinal() || runs.containsKey(record.id())) {
            return false;
        }
        var holder = lock.tryAcquire(PlatformLock.PLATFORM, record.id());
        if (holder.isPresent()) {
            Optional<Lease> lease = lock.lease(PlatformLock.PLATFORM);
            Instant retryAt = lease.map(Lease::expiresAt).orElse(clock.instant());
            String owner = lease.map(l -> holder.get() + " on instance " + l.ownerInstance()).orElse(holder.get());
            LOG.warn("Upgrade {} is {} but the platform lock is held by {} until {}: resuming it here if that lease expires",
                    record.id(), record.state(), owner, retryAt);
            if (first) {
                store.log(record.id(), "Upshift restarted: the platform lock is held by " + owner + " until " + retryAt
                        + "; resuming here if that lease expires");
            }
            // delay by a little more than the lease's remaining time: the takeover needs it strictly expired
            long delay = Math.max(0, Duration.between(clock.instant(), retryAt).toMillis()) + RESUME_RETRY_MARGIN_MS;
            timers.schedule(() -> retryResume(record.id()), delay, TimeUnit.MILLISECONDS);
            return false;
        }
        store.log(record.id(), "Upshift restarted: resuming, services already at target are skipped");
        run(record);
        return true;
    }

    private void retryResume(String id) {
        try {
            store.find(id).ifPresent(record -> tryResume(record, false));
        } catch (RuntimeException e) {
            LOG.error("Upgrade {}: could not resume it; trying again in a lease's time", id, e);
            timers.schedule(() -> retryResume(id), lock.leaseDuration().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    public PlatformStatus platform() {
        return new PlatformStatus(store.currentVersion(), lock.holder(PlatformLock.PLATFORM).orElse(null));
    }

    public boolean isRunning(String id) {
        return runs.containsKey(id);
    }

    private UpgradeRecord end(String id, UpgradeState state, String message) {
        UpgradeRecord ended = store.update(id, r -> {
            UpgradeRecord e = r.ended(state, clock.instant(), message);
            for (ServiceProgress s : e.services()) {
                if (s.state() == ServiceState.PENDING) {
                    e = e.withService(s.with(ServiceState.NOT_STARTED, "not started; runs " + s.fromImage()));
                }
            }
            return e;
        });
        store.log(id, "ended " + state + ": " + message + (ended.overran() ? " (ran past its window, which closed at "
                + ended.windowEndsAt() + ")" : ""));
        lock.release(PlatformLock.PLATFORM, id);
        Run run = runs.remove(id);
        if (run != null) {
            run.cancelTimers();
        }
        LOG.info("Upgrade {} {}: {}", id, state, message);
        return ended;
    }

    private void progress(String id, String service, java.util.function.UnaryOperator<ServiceProgress> change) {
        template.sendBodyAndHeader(PROGRESS_ROUTE, new ServiceUpdate(id, service, change), UPGRADE_ID, id);
    }

    /** Sends one step into route upgrade-service without blocking: the future completes with the result. */
    private CompletableFuture<StepResult> send(ServiceStep step, RolloutListener listener) {
        CompletableFuture<StepResult> done = new CompletableFuture<>();
        workers.execute(() -> {
            Exchange exchange = serviceEndpoint.createExchange();
            exchange.getMessage().setBody(step);
            exchange.getMessage().setHeader(UPGRADE_ID, step.upgradeId());
            exchange.getMessage().setHeader(RolloutListener.HEADER, listener);
            serviceProducer.processAsync(exchange).whenComplete((ex, error) -> {
                Throwable failure = error != null ? error : exchange.getException();
                if (failure != null) {
                    done.completeExceptionally(failure);
                } else {
                    done.complete(exchange.getMessage().getBody(StepResult.class));
                }
            });
        });
        return done;
    }

    /** One upgrade running in this process. */
    private final class Run {
        private final String id;
        private volatile DagExecution<StepResult> current;
        private volatile String stopRequested;
        /** Set when the window closes mid scale-down: the services already down come back up. */
        private volatile boolean restoreOnStop;
        private volatile StepAction currentAction;
        private volatile ScheduledFuture<?> windowTimer;

        Run(String id) {
            this.id = id;
        }

        void start(UpgradeRecord record) {
            Map<String, List<String>> graph = graph(record);
            List<String> done = record.services().stream().filter(s -> s.state().isDone()).map(ServiceProgress::name)
                    .toList();
            if (record.windowEndsAt() != null && record.mode() == UpgradeMode.DOWNTIME) {
                long delay = Math.max(0, Duration.between(clock.instant(), record.windowEndsAt()).toMillis());
                windowTimer = timers.schedule(() -> windowClosed(record.windowEndsAt()), delay, TimeUnit.MILLISECONDS);
            }
            CompletionStage<DagOutcome<StepResult>> outcome;
            if (record.mode() == UpgradeMode.ZERO_DOWNTIME) {
                outcome = phase(record, graph, done, StepAction.ROLLING, true);
            } else {
                outcome = phase(record, DagRunner.reverse(graph), done, StepAction.SCALE_DOWN, false)
                        .thenCompose(down -> down.status() == DagOutcome.Status.SUCCEEDED && stopRequested == null
                                ? phase(record, graph, done, StepAction.SCALE_UP, true)
                                : CompletableFuture.completedFuture(down));
            }
            outcome.whenComplete((result, error) -> closeOut(error));
        }

        /** Runs one pass over the graph; {@code last} marks the pass whose finish makes a service final. */
        private CompletableFuture<DagOutcome<StepResult>> phase(UpgradeRecord record, Map<String, List<String>> graph,
                List<String> done, StepAction action, boolean last) {
            Map<String, ServiceProgress> services = new LinkedHashMap<>();
            record.services().forEach(s -> services.put(s.name(), s));
            DagExecution<StepResult> execution = DagRunner.of(graph).parallelism(parallelism).alreadyDone(done)
                    .start(name -> send(step(record, services.get(name), action), line -> store.log(id, line)),
                            new DagListener<>() {
                                @Override
                                public void onStart(String name) {
                                    store.log(id, name + ": " + verb(action) + " "
                                            + (action == StepAction.SCALE_DOWN ? "" : "to " + services.get(name).toImage()));
                                    progress(id, name, s -> s.started(phaseKind(action), clock.instant(), verb(action)));
                                }

                                @Override
                                public void onFinish(String name, StepResult result, Throwable error) {
                                    finished(name, action, last, result, error);
                                }
                            });
            current = execution;
            currentAction = action;
            if (stopRequested != null) {
                execution.stop();
            }
            return execution.outcome();
        }

        private void finished(String name, StepAction action, boolean last, StepResult result, Throwable error) {
            Instant at = clock.instant();
            if (error != null) {
                String message = reason(error);
                store.log(id, name + ": FAILED: " + message);
                progress(id, name, s -> s.finished(ServiceState.FAILED, null, null, at, message));
                return;
            }
            store.log(id, result.summary());
            ServiceState state = !last ? ServiceState.RUNNING
                    : result.outcome() == StepOutcome.ALREADY_AT_TARGET ? ServiceState.ALREADY_AT_TARGET
                    : ServiceState.SUCCEEDED;
            Integer minAvailable = action == StepAction.ROLLING ? result.minAvailable() : null;
            progress(id, name, s -> s.finished(state, last ? result.replicas() : s.replicas(), minAvailable, at,
                    result.message()));
        }

        /** After the last pass: every service without an outcome is marked, which completes the aggregation. */
        private void closeOut(Throwable error) {
            if (error != null) {
                LOG.error("Upgrade {} run failed", id, error);
            }
            UpgradeRecord record = store.get(id);
            for (ServiceProgress s : record.services()) {
                if (!s.isFinal()) {
                    String why = stopRequested != null ? stopRequested
                            : s.state() == ServiceState.RUNNING ? "scaled down; not scaled up because the upgrade failed"
                            : "not started because the upgrade failed";
                    progress(id, s.name(), p -> p.with(ServiceState.NOT_STARTED, why));
                }
            }
        }

        /**
         * Puts back every service this upgrade changed, in reverse dependency order, then ends in
         * {@code success} (ROLLED_BACK after a failure, STOPPED after a window closed) or FAILED.
         */
        void rollback(UpgradeRecord failed, String failure, UpgradeState success, String done) {
            Map<String, List<String>> graph = graph(failed);
            Map<String, ServiceProgress> services = new LinkedHashMap<>();
            failed.services().forEach(s -> services.put(s.name(), s));
            List<String> untouched = failed.services().stream()
                    .filter(s -> s.fromImage().equals(s.toImage()) || s.state() == ServiceState.ALREADY_AT_TARGET
                            || (s.state() == ServiceState.NOT_STARTED && failed.mode() == UpgradeMode.ZERO_DOWNTIME))
                    .map(ServiceProgress::name).toList();
            StepAction action = failed.mode() == UpgradeMode.ZERO_DOWNTIME ? StepAction.ROLLING : StepAction.SCALE_UP;
            DagExecution<StepResult> execution = DagRunner.of(DagRunner.reverse(graph)).parallelism(parallelism)
                    .alreadyDone(untouched)
                    .start(name -> {
                        ServiceProgress s = services.get(name);
                        store.log(id, name + ": rolling back to " + s.fromImage());
                        store.update(id, r -> r.withService(r.service(name).orElseThrow()
                                .started(PhaseKind.ROLLBACK, clock.instant(), "rolling back to " + s.fromImage())));
                        return send(new ServiceStep(id, failed.fromVersion(), name, s.namespace(), s.deployment(),
                                s.container(), s.fromImage(), action), line -> store.log(id, line));
                    }, new DagListener<>() {
                        @Override
                        public void onFinish(String name, StepResult result, Throwable error) {
                            String message = error != null ? "rollback FAILED: " + reason(error)
                                    : "rolled back: " + result.message();
                            store.log(id, name + ": " + message);
                            // a service the upgrade never changed stays as it was: not started
                            ServiceState state = error != null ? ServiceState.FAILED
                                    : result.outcome() == StepOutcome.ALREADY_AT_TARGET
                                            && services.get(name).state() == ServiceState.NOT_STARTED
                                                    ? ServiceState.NOT_STARTED : ServiceState.ROLLED_BACK;
                            store.update(id, r -> r.withService(r.service(name).orElseThrow()
                                    .finished(state, null, null, clock.instant(), message)));
                        }
                    });
            current = execution;
            execution.outcome().whenComplete((outcome, error) -> {
                if (outcome != null && outcome.status() == DagOutcome.Status.SUCCEEDED) {
                    end(id, success, failure + done);
                } else {
                    String why = outcome == null ? String.valueOf(error)
                            : outcome.firstFailure().map(UpgradeExecution::reason).orElse("stopped");
                    end(id, UpgradeState.FAILED, failure + "; rollback failed: " + why);
                }
            });
        }

        /**
         * The window of a downtime upgrade closed. While services are still being taken down, none
         * more is: the upgrade stops and the ones already down come back at their previous version.
         * Once they are coming back up at the target, the upgrade goes on (a half-upgraded platform
         * is worse) and is recorded as having overrun its window.
         */
        private void windowClosed(Instant closedAt) {
            if (runs.get(id) != this || stopRequested != null) {
                return;
            }
            if (currentAction == StepAction.SCALE_UP) {
                store.log(id, "window closed at " + closedAt + " while services were coming back up: the upgrade"
                        + " goes on and will be recorded as having overrun its window");
                return;
            }
            store.log(id, "window closed at " + closedAt + " before every service was down: no further service"
                    + " of this downtime upgrade is taken down");
            restoreOnStop = true;
            stopRequested = "stopped: the upgrade window closed at " + closedAt + " before every service was down";
            halt();
        }

        void halt() {
            DagExecution<StepResult> execution = current;
            if (execution != null) {
                execution.stop();
            }
        }

        void cancelTimers() {
            ScheduledFuture<?> timer = windowTimer;
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    private static ServiceStep step(UpgradeRecord record, ServiceProgress s, StepAction action) {
        return new ServiceStep(record.id(), record.targetVersion(), s.name(), s.namespace(), s.deployment(),
                s.container(), s.toImage(), action);
    }

    private static Map<String, List<String>> graph(UpgradeRecord record) {
        Map<String, List<String>> graph = new LinkedHashMap<>();
        record.services().forEach(s -> graph.put(s.name(), s.dependsOn()));
        return graph;
    }

    private static PhaseKind phaseKind(StepAction action) {
        return switch (action) {
            case ROLLING -> PhaseKind.ROLLING;
            case SCALE_DOWN -> PhaseKind.SCALE_DOWN;
            case SCALE_UP -> PhaseKind.SCALE_UP;
            case DOWNTIME -> PhaseKind.DOWNTIME;
        };
    }

    private static String verb(StepAction action) {
        return switch (action) {
            case ROLLING -> "rolling update";
            case SCALE_DOWN -> "scaling down";
            case SCALE_UP -> "scaling up";
            case DOWNTIME -> "downtime roll";
        };
    }

    /** The message an operator needs from a failure: the rollout's own, not its wrappers'. */
    static String reason(Throwable error) {
        Throwable t = error;
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof org.apache.camel.CamelExecutionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
