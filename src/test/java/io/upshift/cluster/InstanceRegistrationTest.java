package io.upshift.cluster;

import java.time.Duration;
import java.time.Instant;

import com.zaxxer.hikari.HikariDataSource;
import io.upshift.upgrade.MutableClock;
import io.upshift.upgrade.PlatformLock;
import io.upshift.upgrade.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One live process per instance id, in the database's lease table, with time under the test's control. */
class InstanceRegistrationTest {

    private static final Duration LEASE = Duration.ofMillis(300);

    private HikariDataSource dataSource;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T10:00:00Z"));

    @BeforeEach
    void open() {
        dataSource = TestDatabase.create(4);
    }

    @AfterEach
    void close() {
        dataSource.close();
    }

    private InstanceRegistration process(String instanceId) {
        return new InstanceRegistration(new PlatformLock(dataSource, clock, instanceId, LEASE), clock);
    }

    @Test
    void aSecondLiveProcessWithTheSameIdIsRefusedAfterALeaseAndOtherIdsAreNot() throws Exception {
        process("replica-a").register();
        process("replica-b").register();
        // the clock stands still: replica-a's registration is live for the whole wait, as a renewing process keeps it
        assertThatThrownBy(() -> process("replica-a").register()).isInstanceOf(DuplicateInstanceException.class)
                .hasMessageContaining("another Upshift process is running with upshift.instance-id=replica-a")
                .hasMessageContaining("refusing to start");
    }

    @Test
    void aProcessRestartedAfterACrashTakesTheIdOverOnceTheRegistrationExpired() throws Exception {
        InstanceRegistration crashed = process("replica-a");
        crashed.register();
        clock.advance(LEASE.plusMillis(1)); // no heartbeat since: the crashed process's registration expired
        InstanceRegistration restarted = process("replica-a");
        restarted.register();
        restarted.heartbeat();
        // the crashed one, had it only paused, finds its id taken and must not go on
        assertThatThrownBy(crashed::heartbeat).isInstanceOf(DuplicateInstanceException.class);
    }

    @Test
    void aStoppedProcessDeregistersSoItsSuccessorStartsAtOnce() throws Exception {
        InstanceRegistration stopped = process("replica-a");
        stopped.register();
        stopped.close();
        assertThat(new PlatformLock(dataSource, clock, "replica-a", LEASE).lease("instance:replica-a")).isEmpty();
        process("replica-a").register();
    }
}
