package io.upshift.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.upshift.upgrade.Lease;
import io.upshift.upgrade.LockLostException;
import io.upshift.upgrade.PlatformLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live process per {@code upshift.instance-id}: the id is this process's identity in the
 * leader Lease and in the platform lock, so two live replicas sharing it would both lead and
 * both own the running upgrade. Each process registers the id in the database's lease table
 * (key {@code instance:<id>}, holder a token of this process) and renews it with a heartbeat.
 *
 * <p>A second process with the same id finds the registration live and is refused. A process
 * restarted after a crash finds its predecessor's registration too; it cannot tell a crashed
 * process from a live one at once, so it waits until that registration's lease has run out: a
 * live process would have renewed it (refused), a crashed one did not (taken over). A process
 * that stops normally deregisters, so its successor starts at once.
 */
public class InstanceRegistration implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InstanceRegistration.class);
    /** Past the lease's end before the second look: the takeover needs it strictly expired. */
    private static final Duration MARGIN = Duration.ofMillis(100);

    private final PlatformLock leases;
    private final Clock clock;
    private final String key;
    private final String token = "process-" + UUID.randomUUID();

    /** {@code leases}: the lease table, as this instance ({@link PlatformLock#instanceId()}). */
    public InstanceRegistration(PlatformLock leases, Clock clock) {
        this.leases = Objects.requireNonNull(leases, "leases");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.key = "instance:" + leases.instanceId();
    }

    public String instanceId() {
        return leases.instanceId();
    }

    /**
     * Registers this process, waiting at most one lease duration for a predecessor's registration
     * to expire.
     *
     * @throws DuplicateInstanceException when another live process holds the id
     */
    public void register() throws InterruptedException {
        if (leases.tryAcquire(key, token).isEmpty()) {
            LOG.info("Instance {} registered", instanceId());
            return;
        }
        Optional<Lease> other = leases.lease(key);
        if (other.isPresent()) {
            Instant until = other.get().expiresAt();
            LOG.warn("upshift.instance-id {} is registered by another process until {} (a live replica with the same id,"
                    + " or this one's predecessor, crashed): waiting for that registration to expire", instanceId(), until);
            long wait = Duration.between(clock.instant(), until).plus(MARGIN).toMillis();
            TimeUnit.MILLISECONDS.sleep(Math.max(0, wait));
        }
        if (leases.tryAcquire(key, token).isPresent()) {
            Instant renewedUntil = leases.lease(key).map(Lease::expiresAt).orElse(null);
            throw new DuplicateInstanceException(instanceId(), renewedUntil);
        }
        LOG.info("Instance {} registered (the previous process with this id stopped without deregistering)", instanceId());
    }

    /** Renews the registration; taken back at once if it was lost (e.g. every lease cleared by an operator). */
    public void heartbeat() {
        try {
            leases.heartbeat(key, token);
        } catch (LockLostException e) {
            if (leases.tryAcquire(key, token).isPresent()) {
                throw new DuplicateInstanceException(instanceId(), leases.lease(key).map(Lease::expiresAt).orElse(null));
            }
            LOG.warn("Instance {}: the registration was gone; registered again", instanceId());
        }
    }

    /** Deregisters, so that a successor with the same id need not wait. */
    @Override
    public void close() {
        leases.release(key, token);
    }
}
