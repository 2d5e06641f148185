package io.upshift.web;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the password verifications in flight, per client address and in total. A verification is
 * a deliberately slow hash (PBKDF2): without a cap, a burst of wrong credentials queues hundreds
 * of them and starves everything else. A request over the cap is refused at once (the caller
 * answers 429 for its address's share, 503 when the server's share is used up), never queued.
 */
public final class VerificationGate {

    /** Why an attempt was not admitted: the caller's own share, or the whole server's. */
    public enum Refusal {
        ADDRESS_BUSY(429), SERVER_BUSY(503);

        private final int status;

        Refusal(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** The answer to {@link #enter}: a permit, or a refusal. */
    public sealed interface Admission permits Permit, Refused {
    }

    /** Not admitted, for this reason. */
    public record Refused(Refusal reason) implements Admission {
    }

    /** One admitted verification; close it when the hash is done (closing twice is harmless). */
    public final class Permit implements Admission, AutoCloseable {
        private final String address;
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Permit(String address) {
            this.address = address;
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                release(address);
            }
        }
    }

    private final int perAddress;
    private final int total;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, Integer> byAddress = new ConcurrentHashMap<>();

    public VerificationGate(int perAddress, int total) {
        if (perAddress < 1 || total < 1) {
            throw new IllegalArgumentException("verification caps must be positive, got " + perAddress + " and " + total);
        }
        this.perAddress = perAddress;
        this.total = total;
    }

    /** A permit if both caps allow one more verification for this address; never blocks. */
    public Admission enter(String address) {
        if (inFlight.incrementAndGet() > total) {
            inFlight.decrementAndGet();
            return new Refused(Refusal.SERVER_BUSY);
        }
        AtomicBoolean admitted = new AtomicBoolean();
        byAddress.compute(address, (a, n) -> {
            int count = n == null ? 0 : n;
            admitted.set(count < perAddress);
            return admitted.get() ? count + 1 : n;
        });
        if (!admitted.get()) {
            inFlight.decrementAndGet();
            return new Refused(Refusal.ADDRESS_BUSY);
        }
        return new Permit(address);
    }

    /** The most verifications that may run at once (size their worker pool to it). */
    public int capacity() {
        return total;
    }

    public int inFlight() {
        return inFlight.get();
    }

    private void release(String address) {
        byAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        inFlight.decrementAndGet();
    }
}
