package io.upshift.web;

import java.time.Duration;
import java.time.Instant;

import io.upshift.upgrade.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final LoginThrottle throttle = new LoginThrottle(clock, 3, Duration.ofSeconds(1), Duration.ofSeconds(10));

    @Test
    void freeAttemptsThenADoublingWaitUpToTheMaximum() {
        throttle.failed("ann", "10.0.0.1");
        throttle.failed("ann", "10.0.0.1");
        assertThat(throttle.waitFor("ann", "10.0.0.1")).isZero();
        throttle.failed("ann", "10.0.0.1");
        assertThat(throttle.waitFor("ann", "10.0.0.1")).isEqualTo(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        throttle.failed("ann", "10.0.0.1");
        assertThat(throttle.waitFor("ann", "10.0.0.1")).isEqualTo(Duration.ofSeconds(2));
        assertThat(throttle.delay(10)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void blocksTheUserFromAnyAddressAndTheAddressForAnyUser() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("bob", "10.0.0.2");
        }
        assertThat(throttle.waitFor("bob", "10.9.9.9")).isPositive();
        assertThat(throttle.waitFor("carol", "10.0.0.2")).isPositive();
        assertThat(throttle.waitFor("carol", "10.9.9.9")).isZero();
    }

    @Test
    void successClearsTheUserAndOldFailuresAreForgotten() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("dan", "10.0.0.3");
        }
        throttle.succeeded("dan");
        assertThat(throttle.waitFor("dan", "10.9.9.9")).isZero();
        clock.advance(Duration.ofSeconds(12));
        assertThat(throttle.waitFor("dan", "10.0.0.3")).isZero();
        assertThat(throttle.failed("dan", "10.0.0.3")).isEqualTo(1);
    }
}
