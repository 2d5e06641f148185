package io.upshift.upgrade;

import java.util.Objects;

import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The {@link PlatformLock} as Camel's {@link IdempotentRepository}, so a route takes the lock with
 * the idempotent-consumer EIP ({@code idempotentRepository: platformLock}, message id
 * {@code platform}). The holder is the upgrade id in header {@value #UPGRADE_ID}. When the lock is
 * taken, {@code add} answers false (a duplicate) and sets header {@value #LOCK_HOLDER} to the
 * holder, for the 409 answer.
 *
 * <p>Adding the key takes the lock; completing the exchange keeps it (the upgrade runs on); a failed
 * exchange releases it ({@code removeOnFailure}, default true). The upgrade releases it when it ends.
 */
public class PlatformLockRepository extends ServiceSupport implements IdempotentRepository {

    /** Bean name the routes refer to. */
    public static final String BEAN_NAME = "platformLock";
    /** In: the upgrade that asks for the lock. */
    public static final String UPGRADE_ID = "UpshiftUpgradeId";
    /** Out, on a duplicate: the upgrade that holds the lock. */
    public static final String LOCK_HOLDER = "UpshiftLockHolder";

    private final PlatformLock lock;

    public PlatformLockRepository(PlatformLock lock) {
        this.lock = Objects.requireNonNull(lock, "lock");
    }

    public PlatformLock lock() {
        return lock;
    }

    @Override
    public boolean add(Exchange exchange, String key) {
        String holder = exchange.getMessage().getHeader(UPGRADE_ID, String.class);
        if (holder == null || holder.isBlank()) {
            throw new IllegalArgumentException("header " + UPGRADE_ID + " must name the upgrade that takes lock " + key);
        }
        return lock.tryAcquire(key, holder).map(current -> {
            exchange.getMessage().setHeader(LOCK_HOLDER, current);
            return false;
        }).orElse(true);
    }

    /** Without an exchange there is no holder to lock for: the EIP always passes the exchange. */
    @Override
    public boolean add(String key) {
        throw new UnsupportedOperationException("the platform lock needs the holder: add(exchange, key) with header " + UPGRADE_ID);
    }

    @Override
    public boolean contains(String key) {
        return lock.holder(key).isPresent();
    }

    /** Releases the lock if the exchange's upgrade holds it. */
    @Override
    public boolean remove(Exchange exchange, String key) {
        String holder = exchange.getMessage().getHeader(UPGRADE_ID, String.class);
        return holder != null && lock.release(key, holder);
    }

    /** Without an exchange (management): releases the key whoever holds it. */
    @Override
    public boolean remove(String key) {
        return lock.forceRelease(key);
    }

    /** The lease is held from {@code add} on: nothing to confirm. */
    @Override
    public boolean confirm(String key) {
        return true;
    }

    /** Releases every key whoever holds it (management). */
    @Override
    public void clear() {
        lock.forceReleaseAll();
    }
}
