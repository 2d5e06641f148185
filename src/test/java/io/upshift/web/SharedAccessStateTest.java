package io.upshift.web;

import java.time.Clock;
import java.time.Duration;

import io.upshift.UpshiftTestSupport;
import io.upshift.store.Jdbc;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, sessions and throttle state: what one replica counts or makes, another sees. Two
 * throttles and two secret readers over the application's one database stand for two replicas.
 */
class SharedAccessStateTest extends UpshiftTestSupport {

    private static final LoginThrottle.Limits LIMITS = new LoginThrottle.Limits(3, 10, Duration.ofSeconds(1),
            Duration.ofMinutes(5));

    private LoginThrottle replica(Jdbc jdbc) {
        return new LoginThrottle(Clock.systemUTC(), LIMITS,
                new JdbcAttemptStore(jdbc, Clock.systemUTC(), LIMITS.maxDelay(), Duration.ofMinutes(5)), (user, address) -> { });
    }

    @Test
    void attemptsCountedOnOneReplicaThrottleTheOtherAndASuccessForgetsThemOnBoth() {
        Jdbc jdbc = context.getRegistry().lookupByNameAndType("jdbc", Jdbc.class);
        LoginThrottle a = replica(jdbc);
        LoginThrottle b = replica(jdbc);
        assertThat(a.attempt("mallory", "10.0.0.7")).isZero();
        assertThat(b.attempt("mallory", "10.0.0.7")).isZero();
        assertThat(a.attempt("mallory", "10.0.0.7")).isZero();
        // the fourth attempt in a row, wherever it arrives, waits
        assertThat(b.attempt("mallory", "10.0.0.7")).isPositive();
        assertThat(a.waitFor("mallory", "10.0.0.7")).isPositive();
        assertThat(b.count("mallory", "10.0.0.7")).isEqualTo(3);
        // another address is not affected
        assertThat(b.attempt("mallory", "10.0.0.8")).isZero();

        a.succeeded("mallory", "10.0.0.7");
        assertThat(b.count("mallory", "10.0.0.7")).isZero();
        assertThat(b.waitFor("mallory", "10.0.0.7")).isZero();
    }

    @Test
    void theCsrfKeyIsMadeOnceAndReadByEveryReplica() {
        Jdbc jdbc = context.getRegistry().lookupByNameAndType("jdbc", Jdbc.class);
        String first = new AccessSecrets(jdbc).get("test-key");
        assertThat(first).hasSizeGreaterThanOrEqualTo(40);
        assertThat(new AccessSecrets(jdbc).get("test-key")).isEqualTo(first);
        assertThat(new AccessSecrets(jdbc).get("other-key")).isNotEqualTo(first);
    }
}
