package io.upshift.lifecycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.upshift.Failures;
import io.upshift.RejectedException;
import io.upshift.cluster.Signal;
import io.upshift.precheck.PrecheckReport;
import io.upshift.precheck.Prechecker;
import io.upshift.kubernetes.ServiceStep;
import io.upshift.kubernetes.StepResult;
import io.upshift.store.PlatformVersion;
import io.upshift.store.UpgradeLog;
import io.upshift.store.UpgradeRecords;
import io.upshift.upgrade.Action;
import io.upshift.upgrade.DagExecution;
import io.upshift.upgrade.DagListener;
import io.upshift.upgrade.DagOutcome;
import io.upshift.upgrade.DagRunner;
import io.upshift.upgrade.JobProgress;
import io.upshift.upgrade.UpgradeJobs;
import io.upshift.upgrade.Lease;
import io.upshift.upgrade.LockLostException;
import io.upshift.upgrade.Phase;
import io.upshift.upgrade.PlatformLock;
import io.upshift.upgrade.PlatformStatus;
import io.upshift.upgrade.ServiceProgress;
import io.upshift.upgrade.ServiceState;
import io.upshift.upgrade.UpgradeHttp;
import io.upshift.upgrade.UpgradeIds;
import io.upshift.upgrade.UpgradePlan;
import io.upshift.upgrade.UpgradePlanner;
import io.upshift.upgrade.UpgradeRecord;
import io.upshift.upgrade.UpgradeRequest;
import io.upshift.probe.AvailabilityProbes;
import io.upshift.probe.ServiceAvailability;
import io.upshift.upgrade.UpgradeState;
import io.upshift.verify.VerificationReport;
import io.upshift.verify.Verifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconciler behind route {@code reconcile} (the lifecycle's event loop, one event at a time):
 * {@link #read} the stored record and what this process has in flight, {@link #decide} with
 * {@link Lifecycle}, {@link #persist} the record and its log, {@link #act} on the effects. A phase's
 * services are scheduled by a {@link DagRunner} (dependency order, parallelism, no thread held while
 * a step runs); each step start, finish and the phase's end come back as events. Only the event
 * loop's thread touches {@link Run}s' state; the other entry points only enqueue events.
 */
public class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private static final long TAKEOVER_MARGIN_MS = 50;
    private static final java.util.Set<UpgradeState> CHANGING = java.util.EnumSet.of(UpgradeState.UPGRADING,
            UpgradeState.VERIFYING, UpgradeState.ROLLING_BACK, UpgradeState.STOPPING);

    /** Sends an event to the event loop without waiting. */
    @FunctionalInterface
    public interface Events {
        void send(Input.Event event);
    }

    /** Tells the other replicas (see {@code io.upshift.cluster.Signals}). */
    @FunctionalInterface
    public interface Signals {
        void send(Signal.Kind kind, String upgradeId);
    }

    /** Runs one service step (route {@code roll-service}); the future completes when the step is done. */
    @FunctionalInterface
    public interface Steps {
        java.util.concurrent.CompletableFuture<StepResult> run(ServiceStep step, io.upshift.kubernetes.RolloutListener listener);
    }

    private final UpgradeRecords records;
    private final UpgradeLog log;
    private final PlatformVersion platform;
    private final PlatformLock lock;
    private final UpgradePlanner planner;
    private final UpgradeIds ids;
    private final Lifecycle lifecycle;
    private final Clock clock;
    private final int parallelism;
    private final ScheduledExecutorService timers;
    private final Prechecker prechecker;
    private final Executor checks;
    private Verifier verifier;
    private AvailabilityProbes probes;
    private UpgradeJobs jobs;
    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    /** Upgrades run by another replica: a check of the lock at its lease's end (a crashed owner stops renewing it). */
    private final Map<String, ScheduledFuture<?>> watches = new ConcurrentHashMap<>();
    private Events events;
    private Steps steps;
    private Signals signals = (kind, id) -> { };
    /** This process is shutting down: it hands its upgrades over and takes none. */
    private volatile boolean draining;
    /** Phase runs of every upgrade, numbered across runs: a step of a run dropped earlier never passes for one of a later run. */
    private final java.util.concurrent.atomic.AtomicInteger generations = new java.util.concurrent.atomic.AtomicInteger();
    /** Upgrades paused because the database could not be reached, and since when (issue 19). */
    private final Map<String, Instant> paused = new ConcurrentHashMap<>();
    private StorageOutage storageOutage = new StorageOutage(Duration.ofMillis(500), Duration.ofSeconds(10),
            Duration.ofMinutes(10));

    /**
     * How an upgrade paused by a database outage is tried again: waits from {@code backoff}, doubled up to
     * {@code maxBackoff}, for at most {@code deadline} (then it resumes at the next start, or on another replica).
     */
    public record StorageOutage(Duration backoff, Duration maxBackoff, Duration deadline) {
    }

    public Reconciler(UpgradeRecords records, UpgradeLog log, PlatformVersion platform, PlatformLock lock,
            UpgradePlanner planner, UpgradeIds ids, Lifecycle lifecycle, Clock clock, int parallelism,
            ScheduledExecutorService timers, Prechecker prechecker, Executor checks) {
        this.records = records;
        this.log = log;
        this.platform = platform;
        this.lock = lock;
        this.planner = planner;
        this.ids = ids;
        this.lifecycle = lifecycle;
        this.clock = clock;
        this.parallelism = parallelism;
        this.timers = timers;
        this.prechecker = prechecker;
        this.checks = checks;
    }

    /** Wired by the configuration once Camel's producers exist. */
    public void connect(Events events, Steps steps, Signals signals) {
        this.events = events;
        this.steps = steps;
        this.signals = signals;
    }

    /** The checks of the VERIFYING stage (wired by the configuration). */
    public void verifyWith(Verifier checksAfterUpgrade) {
        this.verifier = checksAfterUpgrade;
    }

    /** The jobs of a release (data migrations before, warm-ups after), run in the phases' graphs (wired by the configuration). */
    public void jobsWith(UpgradeJobs upgradeJobs) {
        this.jobs = upgradeJobs;
    }

    /** The retries of an upgrade paused by a database outage ({@code upshift.db.outage-*}, wired by the configuration). */
    public void storageOutage(StorageOutage settings) {
        this.storageOutage = settings;
    }

    /** Upgrades paused until the database answers again. */
    public java.util.Set<String> paused() {
        return java.util.Set.copyOf(paused.keySet());
    }

    /** Availability measured while upgrades change the cluster (wired by the configuration). */
    public void probeWith(AvailabilityProbes availabilityProbes) {
        this.probes = availabilityProbes;
    }

    public void close() {
        runs.values().forEach(Run::halt);
        timers.shutdownNow();
    }

    // ---- entry points (any thread): they record or enqueue, the event loop decides

    /**
     * Records an accepted upgrade (PENDING), called while the platform lock is held for {@code id},
     * and hands it to the event loop. {@code user} is the authenticated caller; it wins over the
     * request's own {@code requestedBy}.
     */
    public UpgradeRecord accept(UpgradePlan plan, String id, String trigger, String idempotencyKey, String user) {
        return accept(plan, id, trigger == null ? "http" : trigger, idempotencyKey, user, null);
    }

    private UpgradeRecord accept(UpgradePlan plan, String id, String trigger, String idempotencyKey, String user,
            String rollbackOf) {
        UpgradeRequest request = plan.request();
        String requestedBy = user != null && !user.isBlank() ? user : request == null ? null : request.requestedBy();
        List<ServiceProgress> services = new ArrayList<>();
        for (UpgradePlan.PlannedService s : plan.services()) {
            services.add(new ServiceProgress(s.name(), s.namespace(), s.deployment(), s.container(), s.dependsOn(),
                    ServiceState.PENDING, s.fromImage(), s.toImage(), s.replicas(), null, null, null,
                    s.alreadyAtTarget() ? "already at target" : null, null, List.of(), s.fromSpec(), s.toSpec(),
                    s.change(), s.kind()));
        }
        UpgradeRecord record = UpgradeRecord.accepted(id, plan.fromVersion(), plan.targetVersion(), plan.requestedMode(),
                plan.mode(), plan.modeReason(), trigger, requestedBy, clock.instant(), services,
                request == null ? null : request.windowEndsAt(), parallelism, rollbackOf,
                request == null || request.warningsAccepted()).withJobs(plan.jobs());
        records.create(record, idempotencyKey);
        log.append(id, "request accepted (" + trigger + (requestedBy == null ? "" : ", by " + requestedBy) + "): "
                + plan.fromVersion() + " → " + plan.targetVersion() + ", " + services.size() + " services"
                + (plan.jobs().isEmpty() ? "" : ", " + plan.jobs().size() + " jobs"));
        log.append(id, "mode: " + plan.mode() + " (requested " + plan.requestedMode() + "): " + plan.modeReason());
        events.send(new Input.Event(id, new Input.Start()));
        signals.send(Signal.Kind.LOCKED, id);
        return record;
    }

    /** An operator action from HTTP, as the event the loop takes. */
    public Input.Event action(String id, String action, ActionBody body, String user) {
        Action parsed = Action.ofPath(action).orElseThrow(() -> new RejectedException(RejectedException.Code.UNKNOWN_ACTION,
                "unknown action", List.of("\"" + action + "\" is not an action; use one of stop, force-stop, mark, resume,"
                        + " resume-verification, cancel, rollback")));
        return new Input.Event(id, new Input.Operator(parsed, user, body == null ? null : body.note(),
                body == null ? null : body.verdict()));
    }

    /** Renews the lease of every upgrade this process drives; one whose lease was taken gets a LeaseLost event. */
    public void heartbeat() {
        for (String id : runs.keySet()) {
            try {
                lock.heartbeat(PlatformLock.PLATFORM, id);
            } catch (LockLostException e) {
                LOG.error("Upgrade {} lost the platform lock", id);
                events.send(new Input.Event(id, new Input.LeaseLost(e.getMessage())));
            } catch (RuntimeException e) {
                if (!io.upshift.store.Jdbc.isUnreachable(e)) {
                    throw e;
                }
                // the lease runs on; the event loop pauses the upgrade at its next write
                LOG.warn("Upgrade {}: the platform lock's lease not renewed, the database cannot be reached: {}", id,
                        Failures.message(Failures.root(e)));
            }
        }
    }

    /**
     * At start: the upgrades a previous process left active are reconciled again (a Restart event)
     * once this process holds their lock: at once, or when another instance's lease expires.
     */
    public List<String> resumeInterrupted() {
        return resumeActive(true);
    }

    /**
     * Another replica took this upgrade's lock, or handed the upgrade over (its lock is free): resumed
     * here at once when the lock is free, else checked again when the owner's lease ends (kill -9).
     */
    public boolean watch(String id) {
        return tryResume(id, false);
    }

    /** Every upgrade not ended, as {@link #watch} (after signals may have been missed). */
    public List<String> watchAll() {
        return resumeActive(false);
    }

    private List<String> resumeActive(boolean first) {
        List<String> resumed = new ArrayList<>();
        for (UpgradeRecord record : records.active()) {
            if (tryResume(record.id(), first)) {
                resumed.add(record.id());
            }
        }
        return resumed;
    }

    /** {@code first}: the start-up attempt, which also tells the upgrade's log why it waits (retries do not repeat it). */
    private boolean tryResume(String id, boolean first) {
        Optional<UpgradeRecord> record = records.find(id);
        if (draining || record.isEmpty() || record.get().state().isFinal() || runs.containsKey(id)) {
            return false;
        }
        Optional<String> holder = lock.tryAcquire(PlatformLock.PLATFORM, id);
        if (holder.isPresent()) {
            Optional<Lease> lease = lock.lease(PlatformLock.PLATFORM);
            Instant retryAt = lease.map(Lease::expiresAt).orElse(clock.instant());
            String owner = lease.map(l -> holder.get() + " on instance " + l.ownerInstance()).orElse(holder.get());
            LOG.warn("Upgrade {} is {} but the platform lock is held by {} until {}: resuming it here if that lease expires",
                    id, record.get().state(), owner, retryAt);
            if (first) {
                log.append(id, "Upshift restarted: the platform lock is held by " + owner + " until " + retryAt
                        + "; resuming here if that lease expires");
            }
            // a little more than the lease's remaining time: the takeover needs it strictly expired
            retryAt(Duration.between(clock.instant(), retryAt).toMillis() + TAKEOVER_MARGIN_MS, id);
            return false;
        }
        events.send(new Input.Event(id, new Input.Restart()));
        signals.send(Signal.Kind.LOCKED, id);
        return true;
    }

    /** One check per upgrade and lease end: a newer one replaces the one scheduled. */
    private void retryAt(long delayMillis, String id) {
        ScheduledFuture<?> next = timers.schedule(() -> {
            watches.remove(id);
            try {
                tryResume(id, false);
            } catch (RuntimeException e) {
                LOG.error("Upgrade {}: could not resume it; trying again in a lease's time", id, e);
                retryAt(lock.leaseDuration().toMillis(), id);
            }
        }, Math.max(0, delayMillis), TimeUnit.MILLISECONDS);
        ScheduledFuture<?> previous = watches.put(id, next);
        if (previous != null) {
            previous.cancel(false);
        }
    }

    // ---- handover: a replica that shuts down hands its upgrades to the others

    /**
     * Called once when this process starts to shut down: it takes no upgrade any more, starts no
     * step, and hands each upgrade it drives over (lock released, {@link Signal.Kind#RELEASED} sent)
     * as soon as the steps in flight have finished, or when {@code timeout} has passed with steps
     * still in flight (the replica that resumes the upgrade runs them again, skipping what is done).
     *
     * @return the upgrades handed over
     */
    public List<String> handOver(Duration timeout) throws InterruptedException {
        draining = true;
        watches.values().forEach(w -> w.cancel(false));
        List<String> ids = List.copyOf(runs.keySet());
        ids.forEach(id -> events.send(new Input.Event(id, new Input.HandOver(false))));
        if (!awaitNoRuns(timeout)) {
            LOG.warn("Steps still in flight after {}: handing over {} with them", timeout, runs.keySet());
            runs.keySet().forEach(id -> events.send(new Input.Event(id, new Input.HandOver(true))));
            awaitNoRuns(Duration.ofSeconds(5));
        }
        return ids;
    }

    public boolean isDraining() {
        return draining;
    }

    private boolean awaitNoRuns(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (runs) {
            while (!runs.isEmpty()) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                runs.wait(left);
            }
        }
        return true;
    }

    /** On the event loop: this process stops driving the upgrade and frees its lock for the others. */
    private void handOverNow(String id) {
        Run run = forget(id);
        if (run == null) {
            return;
        }
        run.halt();
        log.append(id, "Upshift instance " + lock.instanceId() + " is shutting down: it hands the upgrade over ("
                + run.record.state() + (run.record.phase() == null ? "" : " " + run.record.phase())
                + "); another replica resumes it");
        if (lock.releaseOwn(PlatformLock.PLATFORM, id)) {
            signals.send(Signal.Kind.RELEASED, id);
        }
        LOG.info("Upgrade {} handed over", id);
    }

    private Run forget(String id) {
        Run forgotten = runs.remove(id);
        if (forgotten != null) {
            forgotten.cancelTimers();
            synchronized (runs) {
                runs.notifyAll();
            }
        }
        return forgotten;
    }

    public PlatformStatus platform() {
        return new PlatformStatus(platform.current(), lock.holder(PlatformLock.PLATFORM).orElse(null));
    }

    /** True while this process drives the upgrade. */
    public boolean isRunning(String id) {
        return runs.containsKey(id);
    }

    // ---- the event loop's steps (route reconcile; one event at a time)

    /** Step 1: the stored record and what this process has in flight; stale step events are marked irrelevant. */
    public Reconciliation read(Input.Event event) {
        return stored(event.upgradeId(), () -> readStored(event));
    }

    private Reconciliation readStored(Input.Event event) {
        String id = event.upgradeId();
        Run run = runs.get(id);
        if (event.input() instanceof Input.HandOver h) {
            if (run != null) {
                run.halt();
                if (h.now() || run.execution == null) {
                    handOverNow(id);
                }
            }
            return new Reconciliation(event, null, null, null);
        }
        if (draining && (run == null ? !(event.input() instanceof Input.Operator) : event.input() instanceof Input.PhaseEnded
                && ((Input.PhaseEnded) event.input()).generation() == run.generation)) {
            // shutting down: the halted phase ended (its steps finished), or an event of an upgrade handed over
            if (run != null) {
                handOverNow(id);
            }
            return new Reconciliation(event, null, null, null);
        }
        Integer generation = generation(event.input());
        if (generation != null && (run == null || run.generation != generation)) {
            // a step or phase of a run this process no longer drives (force stopped, lease lost, superseded)
            return new Reconciliation(event, null, null, null);
        }
        if (event.input() instanceof Input.PhaseEnded) {
            run.inFlight = null;
            run.execution = null;
        }
        UpgradeRecord stored = run != null ? run.record : records.find(id).orElseThrow(() -> UpgradeHttp.unknown(id));
        return new Reconciliation(event, stored, new Observed(run == null ? null : run.inFlight, clock.instant()), null);
    }

    /** Step 2: the decision; an operator action the state forbids is refused (409) and changes nothing. */
    public Reconciliation decide(Reconciliation r) {
        boolean locked = false;
        if (r.event().input() instanceof Input.Operator op) {
            locked = checkLock(r.stored(), op);
        }
        Decision decision = lifecycle.decide(r.stored(), r.observed(), r.event().input());
        if (decision.refused()) {
            if (locked) {
                lock.release(PlatformLock.PLATFORM, r.stored().id());
            }
            throw decision.refusal();
        }
        return r.with(decision);
    }

    /** Step 3: the log lines and the record (changed rows only). */
    public Reconciliation persist(Reconciliation r) {
        return stored(r.event().upgradeId(), () -> persistDecided(r));
    }

    private Reconciliation persistDecided(Reconciliation r) {
        Decision d = measured(r.decision());
        // the lines first: once the record says the upgrade ended, its log (and event stream) has every line of it
        for (String line : d.log()) {
            log.append(d.next().id(), line);
        }
        if (!d.next().equals(r.stored())) {
            records.save(r.stored(), d.next());
        }
        Run run = runs.get(d.next().id());
        if (run != null) {
            run.record = d.next();
        }
        return r.with(d);
    }

    /** Step 4: the effects; answers the record (for a rollback: the new upgrade). */
    public UpgradeRecord act(Reconciliation r) {
        return stored(r.event().upgradeId(), () -> actOn(r));
    }

    private UpgradeRecord actOn(Reconciliation r) {
        UpgradeRecord record = r.decision().next();
        String id = record.id();
        Run run = runs.get(id);
        if (run == null && !record.state().isFinal()) {
            run = adopt(record);
        }
        UpgradeRecord answer = record;
        for (Effect effect : r.decision().effects()) {
            if (draining && (effect instanceof Effect.RunPhase || effect instanceof Effect.RunPrechecks
                    || effect instanceof Effect.Requeue || effect instanceof Effect.WakeAt)) {
                // shutting down: what comes next is for the replica that resumes the upgrade
                handOverNow(id);
            } else if (effect instanceof Effect.RunPrechecks) {
                runPrechecks(record);
            } else if (effect instanceof Effect.RunVerification) {
                runVerification(run, record);
            } else if (effect instanceof Effect.RunPhase p) {
                runPhase(run, p.phase());
            } else if (effect instanceof Effect.HaltPhase && run != null) {
                run.halt();
            } else if (effect instanceof Effect.ReleaseLock) {
                lock.release(PlatformLock.PLATFORM, id);
            } else if (effect instanceof Effect.SetCurrentVersion v) {
                platform.set(v.version());
            } else if (effect instanceof Effect.Snapshot) {
                UpgradeRecord observed = planner.observe(record);
                records.save(record, observed);
                answer = observed;
            } else if (effect instanceof Effect.Requeue) {
                events.send(new Input.Event(id, new Input.Start()));
            } else if (effect instanceof Effect.WakeAt w) {
                timers.schedule(() -> events.send(new Input.Event(id, new Input.Start())),
                        Math.max(0, Duration.between(clock.instant(), w.at()).toMillis()), TimeUnit.MILLISECONDS);
            } else if (effect instanceof Effect.Forget) {
                forget(id);
            } else if (effect instanceof Effect.TakeOverWhenFree) {
                retryAt(lock.leaseDuration().toMillis() + TAKEOVER_MARGIN_MS, id);
            } else if (effect instanceof Effect.StartRollback s) {
                answer = startRollback(record, s.by());
            }
        }
        measure(record);
        return answer;
    }

    /**
     * The services' probes run from the first change of the cluster to the end (see {@link #measured})
     * while this process drives the upgrade; one it no longer drives (lease lost) is measured where it goes on.
     */
    private void measure(UpgradeRecord record) {
        if (probes == null) {
            return;
        }
        if (!runs.containsKey(record.id())) {
            probes.stop(record.id());
        } else if (CHANGING.contains(record.state())) {
            probes.start(record);
        }
    }

    /**
     * An upgrade that ends stops its probes: their figures are stored with the final record and are
     * the log's last lines (so whoever sees it ended sees them too).
     */
    private Decision measured(Decision d) {
        if (probes == null || !d.next().state().isFinal()) {
            return d;
        }
        List<ServiceAvailability> measured = probes.stop(d.next().id());
        if (measured.isEmpty()) {
            return d;
        }
        List<String> lines = new ArrayList<>(d.log());
        measured.forEach(m -> lines.add(m.line()));
        return new Decision(d.next().withAvailability(measured), d.effects(), lines, d.refusal());
    }

    // ---- effects

    /** Off the event loop: the checks read the cluster; a failure to read is a failed check run, reported as such. */
    private void runPrechecks(UpgradeRecord record) {
        checks.execute(() -> {
            PrecheckReport report;
            try {
                report = prechecker.check(record);
            } catch (RuntimeException e) {
                LOG.warn("Pre-checks of {} could not read the cluster: {}", record.id(), Failures.message(e));
                report = PrecheckReport.unreadable(Failures.message(e));
            }
            events.send(new Input.Event(record.id(), new Input.PrechecksDone(report)));
        });
    }

    /**
     * The checks run on their futures (no thread held while a request or a Job runs); their report
     * comes back as an event. A verification already under way for this upgrade is not started twice.
     */
    private void runVerification(Run run, UpgradeRecord record) {
        if (run == null || (run.verification != null && !run.verification.isDone())) {
            return;
        }
        String id = record.id();
        CompletableFuture<VerificationReport> checking;
        try {
            checking = verifier.verify(record, line -> log.append(id, line));
        } catch (RuntimeException e) {
            checking = CompletableFuture.failedFuture(e);
        }
        run.verification = checking;
        checking.whenComplete((report, error) -> events.send(new Input.Event(id, new Input.VerificationDone(
                error == null ? report : VerificationReport.unrunnable(Failures.message(Failures.unwrap(error)),
                        clock.instant())))));
    }

    private Run adopt(UpgradeRecord record) {
        Run run = new Run(record);
        runs.put(record.id(), run);
        if (record.windowEndsAt() != null) {
            long delay = Math.max(0, Duration.between(clock.instant(), record.windowEndsAt()).toMillis());
            run.windowTimer = timers.schedule(() -> events.send(new Input.Event(record.id(),
                    new Input.WindowClosed(record.windowEndsAt()))), delay, TimeUnit.MILLISECONDS);
        }
        return run;
    }

    private void runPhase(Run run, Phase phase) {
        UpgradeRecord record = run.record;
        String id = record.id();
        Lifecycle.PhasePlan plan = Lifecycle.plan(record, phase);
        run.generation = generations.incrementAndGet();
        int generation = run.generation;
        run.inFlight = phase;
        Map<String, ServiceProgress> services = new LinkedHashMap<>();
        record.services().forEach(s -> services.put(s.name(), s));
        String version = plan.previousImage() ? record.fromVersion() : record.targetVersion();
        int slots = record.parallelism() > 0 ? record.parallelism() : parallelism;
        DagExecution<Object> execution = DagRunner.of(plan.graph()).parallelism(slots).alreadyDone(plan.skip())
                .start(name -> {
                    if (JobProgress.isNode(name)) {
                        return jobs.run(id, record.job(name).orElseThrow()).thenApply(Object.class::cast);
                    }
                    ServiceProgress s = services.get(name);
                    return steps.run(new ServiceStep(id, version, name, s.namespace(), s.deployment(), s.container(),
                            plan.image(s), plan.action(), plan.spec(s), plan.change(s), s.kind(), plan.recordedImage(s)),
                            line -> log.append(id, line))
                            .thenApply(Object.class::cast);
                }, new DagListener<>() {
                    @Override
                    public void onStart(String name) {
                        events.send(new Input.Event(id, JobProgress.isNode(name)
                                ? new Input.JobStarted(name, phase, generation)
                                : new Input.ServiceStarted(name, phase, generation)));
                    }

                    @Override
                    public void onFinish(String name, Object result, Throwable error) {
                        events.send(new Input.Event(id, JobProgress.isNode(name) ? jobEnded(name, result, error)
                                : error != null
                                ? new Input.ServiceFailed(name, phase, generation, Failures.message(Failures.unwrap(error)))
                                : new Input.ServiceFinished(name, phase, generation, (StepResult) result)));
                    }

                    private Input jobEnded(String name, Object result, Throwable error) {
                        if (error == null) {
                            UpgradeJobs.Result done = (UpgradeJobs.Result) result;
                            return new Input.JobEnded(name, phase, generation, true, done.reason(), done.output());
                        }
                        return Failures.find(error, UpgradeJobs.JobFailedException.class)
                                .map(f -> new Input.JobEnded(name, phase, generation, false, f.result().reason(),
                                        f.result().output()))
                                .orElseGet(() -> new Input.JobEnded(name, phase, generation, false,
                                        Failures.message(Failures.unwrap(error)), null));
                    }
                });
        run.execution = execution;
        execution.outcome().whenComplete((outcome, error) -> events.send(new Input.Event(id, new Input.PhaseEnded(
                phase, generation, outcome == null ? DagOutcome.Status.FAILED : outcome.status()))));
    }

    /** A new upgrade, under the platform lock, that puts back the images {@code original} started from. */
    private UpgradeRecord startRollback(UpgradeRecord original, String by) {
        String id = ids.newId();
        lock.tryAcquire(PlatformLock.PLATFORM, id).ifPresent(holder -> {
            throw UpgradePlanner.inProgress(holder);
        });
        try {
            UpgradeRecord rollback = accept(planner.rollback(original), id, "rollback", null, by, original.id());
            records.save(original, original.withRolledBackBy(id));
            log.append(original.id(), "rollback started by " + by + ": upgrade " + id);
            return rollback;
        } catch (RuntimeException e) {
            lock.release(PlatformLock.PLATFORM, id);
            throw e;
        }
    }

    /**
     * Resume needs the lock again (taken here, released if the state refuses); marking an upgrade
     * succeeded or rolling one back must not happen while another upgrade runs.
     *
     * @return true when the lock was taken here
     */
    private boolean checkLock(UpgradeRecord record, Input.Operator op) {
        boolean needsFree = op.action() == Action.ROLLBACK || (op.action() == Action.MARK && "succeeded".equals(op.verdict()));
        if ((op.action() == Action.RESUME || op.action() == Action.RESUME_VERIFICATION) && record.state().isFinal()) {
            lock.tryAcquire(PlatformLock.PLATFORM, record.id()).ifPresent(holder -> {
                throw UpgradePlanner.inProgress(holder);
            });
            return true;
        }
        if (needsFree && record.state().isFinal()) {
            lock.holder(PlatformLock.PLATFORM).ifPresent(holder -> {
                throw UpgradePlanner.inProgress(holder);
            });
        }
        return false;
    }

    // ---- the database unreachable (issue 19): the upgrade pauses, and is reconciled again once it answers

    /**
     * Runs one step of the loop; when the database cannot be reached the upgrade pauses ({@link #pause}) and the
     * event is refused with {@code STORAGE_UNAVAILABLE} (503 to an operator's action; logged for the others).
     */
    private <T> T stored(String id, java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            if (!io.upshift.store.Jdbc.isUnreachable(e)) {
                throw e;
            }
            pause(id, e);
            throw new RejectedException(RejectedException.Code.STORAGE_UNAVAILABLE, "the database cannot be reached",
                    List.of("upgrade " + id + " is paused until it answers again: try again shortly"));
        }
    }

    /**
     * This process stops driving the upgrade: no step starts, and the steps in flight finish in the cluster with
     * their events dropped, since what they would record could not be written. The lease runs on. Once the
     * database answers, the upgrade is reconciled again from what is stored and what the cluster reports (a Restart,
     * as after a crash): a step that finished meanwhile is found done, one cut short is run again.
     */
    private void pause(String id, RuntimeException cause) {
        Run run = forget(id);
        if (run != null) {
            run.halt();
        }
        if (id != null && paused.putIfAbsent(id, clock.instant()) == null) {
            LOG.warn("Upgrade {} paused: the database cannot be reached ({}); no step is judged until it answers, then "
                    + "the upgrade is reconciled again", id, Failures.message(Failures.root(cause)));
            resumeAfterOutage(id, 0);
        }
    }

    private void resumeAfterOutage(String id, int attempt) {
        long delay = Math.min(storageOutage.maxBackoff().toMillis(),
                storageOutage.backoff().toMillis() << Math.min(attempt, 20));
        timers.schedule(() -> {
            Instant since = paused.getOrDefault(id, clock.instant());
            try {
                tryResume(id, false); // reads the record and takes the lock: both need the database
                paused.remove(id);
                LOG.info("Upgrade {}: the database answers again after {} s: reconciling the upgrade", id,
                        Duration.between(since, clock.instant()).toSeconds());
            } catch (RuntimeException e) {
                if (io.upshift.store.Jdbc.isUnreachable(e)
                        && Duration.between(since, clock.instant()).compareTo(storageOutage.deadline()) < 0) {
                    resumeAfterOutage(id, attempt + 1);
                } else {
                    paused.remove(id);
                    LOG.error("Upgrade {}: not resumed after the database outage ({}); it resumes at Upshift's next start, "
                            + "or on another replica once its lease ends", id, Failures.message(Failures.root(e)));
                }
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private static Integer generation(Input input) {
        if (input instanceof Input.ServiceStarted e) {
            return e.generation();
        }
        if (input instanceof Input.ServiceFinished e) {
            return e.generation();
        }
        if (input instanceof Input.ServiceFailed e) {
            return e.generation();
        }
        if (input instanceof Input.PhaseEnded e) {
            return e.generation();
        }
        if (input instanceof Input.JobStarted e) {
            return e.generation();
        }
        if (input instanceof Input.JobEnded e) {
            return e.generation();
        }
        return null;
    }

    /** One event on its way through the loop: what was read, then what was decided. */
    public record Reconciliation(Input.Event event, UpgradeRecord stored, Observed observed, Decision decision) {

        public boolean relevant() {
            return stored != null;
        }

        Reconciliation with(Decision d) {
            return new Reconciliation(event, stored, observed, d);
        }
    }

    /** An upgrade this process drives: its latest stored record and the phase it has in flight. */
    private static final class Run {
        private UpgradeRecord record;
        private int generation;
        private Phase inFlight;
        private DagExecution<Object> execution;
        private ScheduledFuture<?> windowTimer;
        private CompletableFuture<VerificationReport> verification;

        Run(UpgradeRecord record) {
            this.record = record;
        }

        void halt() {
            DagExecution<Object> current = execution;
            if (current != null) {
                current.stop();
            }
        }

        void cancelTimers() {
            if (windowTimer != null) {
                windowTimer.cancel(false);
            }
        }
    }
}
