package io.upshift.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PlatformLockTest {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final String KEY = PlatformLock.PLATFORM;

    private HikariDataSource dataSource;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
    private PlatformLock lock;
    private PlatformLock otherReplica;

    @BeforeEach
    void setUp() {
        dataSource = TestDatabase.create(24);
        lock = new PlatformLock(dataSource, clock, "replica-a", LEASE);
        otherReplica = new PlatformLock(dataSource, clock, "replica-b", LEASE);
    }

    @AfterEach
    void tearDown() {
        dataSource.close();
    }

    @Test
    void twentyReplicasAtOnceExactlyOneWinsEachRound() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            for (int round = 0; round < 10; round++) {
                List<Optional<String>> results = race(pool, round, 20);

                List<String> winners = winners(results, round);
                assertThat(winners).as("round %d", round).hasSize(1);
                String winner = winners.get(0);
                assertThat(results).filteredOn(Optional::isPresent).hasSize(19).allMatch(r -> r.get().equals(winner));
                assertThat(lock.holder(KEY)).contains(winner);
                assertThat(lock.release(KEY, winner)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void twentyReplicasRacingForAnExpiredLeaseExactlyOneTakesItOver() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            for (int round = 0; round < 10; round++) {
                lock.forceReleaseAll();
                assertThat(lock.tryAcquire(KEY, "crashed-" + round)).isEmpty();
                clock.advance(LEASE.plusMillis(1));

                List<Optional<String>> results = race(pool, round, 20);

                List<String> winners = winners(results, round);
                assertThat(winners).as("round %d", round).hasSize(1);
                assertThat(lock.holder(KEY)).contains(winners.get(0));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Thread i plays replica i asking for the lock for upgrade "u&lt;round&gt;-&lt;i&gt;", all released at once. */
    private List<Optional<String>> race(ExecutorService pool, int round, int threads) throws Exception {
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Optional<String>>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            PlatformLock replica = new PlatformLock(dataSource, clock, "replica-" + i, LEASE);
            String holder = "u" + round + "-" + i;
            futures.add(pool.submit(() -> {
                ready.countDown();
                go.await();
                return replica.tryAcquire(KEY, holder);
            }));
        }
        ready.await();
        go.countDown();
        List<Optional<String>> results = new ArrayList<>();
        for (Future<Optional<String>> future : futures) {
            results.add(future.get());
        }
        return results;
    }

    private static List<String> winners(List<Optional<String>> results, int round) {
        List<String> winners = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i).isEmpty()) {
                winners.add("u" + round + "-" + i);
            }
        }
        return winners;
    }

    @Test
    void aTakenLockNamesItsHolderAndAfterReleaseAnotherAcquires() {
        assertThat(lock.tryAcquire(KEY, "u1")).isEmpty();
        assertThat(otherReplica.tryAcquire(KEY, "u2")).contains("u1");
        assertThat(lock.tryAcquire(KEY, "u2")).contains("u1");

        assertThat(lock.release(KEY, "u1")).isTrue();

        assertThat(lock.holder(KEY)).isEmpty();
        assertThat(otherReplica.tryAcquire(KEY, "u2")).isEmpty();
        assertThat(lock.holder(KEY)).contains("u2");
    }

    @Test
    void anExpiredLeaseIsTakenOverALiveOneIsNot() {
        assertThat(lock.tryAcquire(KEY, "u1")).isEmpty();

        clock.advance(LEASE);
        assertThat(otherReplica.tryAcquire(KEY, "u2")).as("exactly at expiry the lease is still live").contains("u1");
        assertThat(lock.holder(KEY)).contains("u1");

        clock.advance(Duration.ofMillis(1));
        assertThat(lock.holder(KEY)).as("an expired lease has no holder").isEmpty();
        assertThat(otherReplica.tryAcquire(KEY, "u2")).isEmpty();

        Lease lease = lock.lease(KEY).orElseThrow();
        assertThat(lease).isEqualTo(new Lease(KEY, "u2", "replica-b", clock.instant(), clock.instant().plus(LEASE)));
        assertThatThrownBy(() -> lock.heartbeat(KEY, "u1")).isInstanceOf(LockLostException.class)
                .hasMessage("lock platform is no longer held by u1 on this instance");
    }

    @Test
    void heartbeatKeepsTheLeasePastItsOriginalExpiry() {
        assertThat(lock.tryAcquire(KEY, "u1")).isEmpty();
        for (int i = 0; i < 5; i++) {
            clock.advance(LEASE.dividedBy(2));
            lock.heartbeat(KEY, "u1");
        }
        clock.advance(LEASE.minusSeconds(1));

        assertThat(otherReplica.tryAcquire(KEY, "u2")).contains("u1");
        assertThat(lock.lease(KEY).orElseThrow().acquiredAt()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
    }

    @Test
    void onlyTheHoldersInstanceMayHeartbeat() {
        assertThat(lock.tryAcquire(KEY, "u1")).isEmpty();
        assertThatThrownBy(() -> otherReplica.heartbeat(KEY, "u1")).isInstanceOf(LockLostException.class);
        assertThatThrownBy(() -> lock.heartbeat(KEY, "u2")).isInstanceOf(LockLostException.class);
        assertThatThrownBy(() -> lock.heartbeat("other-key", "u1")).isInstanceOf(LockLostException.class);
    }

    @Test
    void releaseByANonHolderDoesNothing() {
        assertThat(lock.tryAcquire(KEY, "u1")).isEmpty();

        assertThat(otherReplica.release(KEY, "u2")).isFalse();
        assertThat(lock.release("other-key", "u1")).isFalse();

        assertThat(lock.holder(KEY)).contains("u1");
    }

    @Test
    void theSameHolderOnTheSameInstanceReacquiresAtOnceElsewhereOnlyAfterExpiry() {
        assertThat(lock.tryAcquire(KEY, "u1")).isEmpty();
        clock.advance(Duration.ofSeconds(10));

        // a restarted process with a stable instance id resumes its upgrade at once
        PlatformLock restarted = new PlatformLock(dataSource, clock, "replica-a", LEASE);
        assertThat(restarted.tryAcquire(KEY, "u1")).isEmpty();
        assertThat(lock.lease(KEY).orElseThrow().expiresAt()).isEqualTo(clock.instant().plus(LEASE));

        // another replica resuming the same upgrade waits until the lease has expired
        assertThat(otherReplica.tryAcquire(KEY, "u1")).contains("u1");
        clock.advance(LEASE.plusMillis(1));
        assertThat(otherReplica.tryAcquire(KEY, "u1")).isEmpty();
        assertThat(lock.lease(KEY).orElseThrow().ownerInstance()).isEqualTo("replica-b");
    }

    @Test
    void forceReleaseFreesTheKeyWhoeverHoldsIt() {
        assertThat(lock.tryAcquire(KEY, "u1")).isEmpty();
        assertThat(otherReplica.forceRelease(KEY)).isTrue();
        assertThat(otherReplica.forceRelease(KEY)).isFalse();
        assertThat(lock.holder(KEY)).isEmpty();
        assertThatThrownBy(() -> lock.heartbeat(KEY, "u1")).isInstanceOf(LockLostException.class);
    }

    @Test
    void keysAreIndependent() {
        assertThat(lock.tryAcquire(KEY, "u1")).isEmpty();
        assertThat(otherReplica.tryAcquire("import:5.1.2.04", "i1")).isEmpty();
        assertThat(lock.holder("import:5.1.2.04")).contains("i1");
        assertThat(lock.forceReleaseAll()).isEqualTo(2);
    }

    @Test
    void aNonPositiveLeaseIsRefused() {
        assertThatThrownBy(() -> new PlatformLock(dataSource, clock, "x", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
