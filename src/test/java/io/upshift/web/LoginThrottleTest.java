package io.upshift.web;

import java.time.Duration;
import java.time.Instant;

import io.upshift.upgrade.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private final LoginThrottle throttle = new LoginThrottle(clock,
            new LoginThrottle.Limits(3, 5, Duration.ofSeconds(1), Duration.ofSeconds(10)));

    private Duration waitFor(String user, String address) {
        return throttle.waitFor(user, address, clock.instant());
    }

    @Test
    void freeAttemptsThenADoublingWaitUpToTheMaximum() {
        assertThat(throttle.attempt("ann", "10.0.0.1")).isZero();
        assertThat(throttle.attempt("ann", "10.0.0.1")).isZero();
        assertThat(waitFor("ann", "10.0.0.1")).isZero();
        assertThat(throttle.attempt("ann", "10.0.0.1")).isZero();
        assertThat(throttle.attempt("ann", "10.0.0.1")).isEqualTo(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.attempt("ann", "10.0.0.1")).isZero();
        assertThat(waitFor("ann", "10.0.0.1")).isEqualTo(Duration.ofSeconds(2));
        assertThat(throttle.delay(10, 3)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void attemptsCountBeforeTheCheckSoABurstIsCutOffAsItArrives() {
        int admitted = 0;
        for (int i = 0; i < 100; i++) {
            if (throttle.attempt("user-" + i, "10.0.0.9").isZero()) {
                admitted++;
            }
        }
        assertThat(admitted).isEqualTo(5); // the address's free attempts, none of them answered yet
    }

    @Test
    void aStrangersFailuresNeverLockTheRightUserOutElsewhere() {
        for (int i = 0; i < 3; i++) {
            throttle.attempt("bob", "10.0.0.2");
        }
        assertThat(waitFor("bob", "10.0.0.2")).isPositive();
        assertThat(waitFor("bob", "10.9.9.9")).isZero();
        assertThat(waitFor("carol", "10.0.0.2")).isZero(); // the address has 2 of its 5 free left
    }

    @Test
    void successForgetsThePairGivesTheAttemptBackAndOldAttemptsAreForgotten() {
        for (int i = 0; i < 2; i++) {
            throttle.attempt("dan", "10.0.0.3");
        }
        throttle.attempt("dan", "10.0.0.3");
        throttle.succeeded("dan", "10.0.0.3");
        assertThat(waitFor("dan", "10.0.0.3")).isZero();
        assertThat(throttle.count("dan", "10.0.0.3")).isZero();
        for (int i = 0; i < 50; i++) { // a client whose every call succeeds is never throttled
            assertThat(throttle.attempt("erin", "10.0.0.4")).isZero();
            throttle.succeeded("erin", "10.0.0.4");
        }
        throttle.attempt("dan", "10.0.0.3");
        clock.advance(Duration.ofSeconds(12));
        assertThat(waitFor("dan", "10.0.0.3")).isZero();
        throttle.attempt("dan", "10.0.0.3");
        assertThat(throttle.count("dan", "10.0.0.3")).isEqualTo(1);
    }
}
