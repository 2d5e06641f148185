package io.upshift.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.upshift.RejectedException;
import io.upshift.lifecycle.Reconciler;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a replica does when it is asked to stop (SIGTERM: Kubernetes deleting its Pod, a rollout of
 * Upshift itself), before Camel's graceful shutdown stops the routes: readiness goes DOWN and new
 * upgrade requests and operator actions are refused (503 {@code SHUTTING_DOWN}: a client retries
 * and lands on another replica); the windows' scheduler goes to standby; the leadership is given
 * up at once; each upgrade this replica drives is handed over once its steps in flight have
 * finished (at most {@code upshift.shutdown.handover-timeout}).
 * Another replica learns of each release by a {@link Signal} and resumes the upgrade.
 *
 * <p>Runs on Camel's {@code CamelContextStopping} event, which camel-main's shutdown hook raises
 * before the routes stop: the event loop, the steps' routes and the API still run meanwhile.
 */
public class Handover extends EventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger(Handover.class);

    private final Supplier<Reconciler> reconciler;
    private final Supplier<Leadership> leadership;
    private final Runnable quiesce;
    private final Duration timeout;
    private final AtomicBoolean draining = new AtomicBoolean();

    /**
     * The reconciler and the leadership are looked up when shutdown begins (they are lazy beans);
     * {@code quiesce} stops what would start work by itself (the windows' scheduler).
     */
    public Handover(Supplier<Reconciler> reconciler, Supplier<Leadership> leadership, Runnable quiesce, Duration timeout) {
        this.reconciler = Objects.requireNonNull(reconciler, "reconciler");
        this.leadership = Objects.requireNonNull(leadership, "leadership");
        this.quiesce = Objects.requireNonNull(quiesce, "quiesce");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        setIgnoreCamelContextInitEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreExchangeEvents(true);
        setIgnoreStepEvents(true);
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.CamelContextStoppingEvent;
    }

    @Override
    public void notify(CamelEvent event) throws Exception {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        long started = System.nanoTime();
        LOG.info("Shutting down: not ready, no new upgrade or action accepted; giving up the leadership and handing"
                + " the running upgrades over (within {})", timeout);
        try {
            quiesce.run();
        } catch (RuntimeException e) {
            LOG.warn("Could not put the scheduler in standby: {}", e.getMessage(), e);
        }
        try {
            leadership.get().giveUp();
        } catch (RuntimeException e) {
            // the upgrades' handover matters more: the others lead once the Lease expires
            LOG.warn("Could not give the leadership up: {}", e.getMessage(), e);
        }
        List<String> handedOver = reconciler.get().handOver(timeout);
        LOG.info("Handover done in {} ms: {}", (System.nanoTime() - started) / 1_000_000,
                handedOver.isEmpty() ? "no upgrade ran here" : "handed over " + handedOver);
    }

    /** True once shutdown began: the readiness check reports DOWN. */
    public boolean isDraining() {
        return draining.get();
    }

    /** Refuses new work once shutdown began (503 {@code SHUTTING_DOWN}). */
    public void admit() {
        if (draining.get()) {
            throw new RejectedException(RejectedException.Code.SHUTTING_DOWN, "shutting down",
                    List.of("this Upshift replica is shutting down and takes no new upgrade or action; try again"
                            + " (another replica answers)"));
        }
    }
}
