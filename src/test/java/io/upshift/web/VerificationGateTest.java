package io.upshift.web;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VerificationGateTest {

    private final VerificationGate gate = new VerificationGate(2, 3);

    @Test
    void capsEachAddressAndTheServerAndGivesSlotsBack() {
        VerificationGate.Admission a1 = gate.enter("a");
        VerificationGate.Admission a2 = gate.enter("a");
        assertThat(a1).isInstanceOf(VerificationGate.Permit.class);
        assertThat(a2).isInstanceOf(VerificationGate.Permit.class);
        assertThat(gate.enter("a")).isEqualTo(new VerificationGate.Refused(VerificationGate.Refusal.ADDRESS_BUSY));
        VerificationGate.Admission b1 = gate.enter("b");
        assertThat(b1).isInstanceOf(VerificationGate.Permit.class);
        assertThat(gate.enter("c")).isEqualTo(new VerificationGate.Refused(VerificationGate.Refusal.SERVER_BUSY));
        assertThat(gate.inFlight()).isEqualTo(3);

        ((VerificationGate.Permit) a1).close();
        ((VerificationGate.Permit) a1).close(); // twice: still one slot back
        assertThat(gate.inFlight()).isEqualTo(2);
        assertThat(gate.enter("c")).isInstanceOf(VerificationGate.Permit.class);
        assertThat(gate.enter("a")).isEqualTo(new VerificationGate.Refused(VerificationGate.Refusal.SERVER_BUSY));
    }

    @Test
    void concurrentCallersNeverExceedTheCaps() throws Exception {
        VerificationGate wide = new VerificationGate(4, 6);
        List<Thread> threads = new ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger over = new java.util.concurrent.atomic.AtomicInteger();
        for (int t = 0; t < 8; t++) {
            String address = "10.0.0." + (t % 3);
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 2000; i++) {
                    if (wide.enter(address) instanceof VerificationGate.Permit permit) {
                        if (wide.inFlight() > 6) {
                            over.incrementAndGet();
                        }
                        permit.close();
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(over).hasValue(0);
        assertThat(wide.inFlight()).isZero();
    }
}
