package io.upshift.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.upshift.store.UpgradeRecords;
import io.upshift.upgrade.UpgradeMode;
import io.upshift.upgrade.UpgradeRecord;
import io.upshift.upgrade.UpgradeState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The followers' bounds, without HTTP: how many may follow, and a follower that stops reading is dropped with a last event. */
class EventStreamsTest {

    private Instant now = Instant.parse("2026-11-27T22:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final AtomicInteger dropped = new AtomicInteger();
    private final EventStreams streams = new EventStreams(null, null, new ObjectMapper(), clock,
            new EventStreams.Settings(2, 1024, Duration.ofSeconds(30), 100), dropped::incrementAndGet);

    /** A connection that is full or not, and what it was sent. */
    private static final class Sink implements EventStreams.Sink {
        boolean full;
        final List<String> written = new ArrayList<>();
        String last;

        @Override
        public boolean full() {
            return full;
        }

        @Override
        public void write(byte[] frames) {
            written.add(new String(frames, java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public void end(String frame) {
            last = frame;
        }

        @Override
        public void onDrain(Runnable then) {
        }
    }

    @Test
    void atMostMaxFollowers() {
        assertThat(streams.admit()).isTrue();
        assertThat(streams.admit()).isTrue();
        assertThat(streams.admit()).isFalse();
        streams.release();
        assertThat(streams.admit()).isTrue();
        assertThat(streams.followers()).isEqualTo(2);
    }

    @Test
    void aFollowerFullForTheSlowTimeoutIsDroppedWithAFinalEventAndCounted() {
        List<String> woken = new ArrayList<>();
        streams.connect(woken::add);
        Sink reading = new Sink();
        Sink stalled = new Sink();
        assertThat(streams.admit()).isTrue();
        streams.join(streams.follower("upg-1", 0, reading));
        assertThat(streams.admit()).isTrue();
        EventStreams.Follower slow = streams.follower("upg-1", 7, stalled);
        streams.join(slow);
        assertThat(woken).containsExactly("upg-1"); // one pump queued for both

        stalled.full = true;
        streams.heartbeat(); // full: noted
        now = now.plusSeconds(29);
        streams.heartbeat(); // full 29 s: kept
        assertThat(stalled.last).isNull();
        assertThat(reading.written).containsExactly(": heartbeat\n\n", ": heartbeat\n\n");

        now = now.plusSeconds(1);
        streams.heartbeat();
        assertThat(stalled.last).startsWith("event: dropped\ndata: ").contains("Last-Event-ID 7");
        assertThat(dropped).hasValue(1);
        assertThat(streams.followers()).isEqualTo(1);
        streams.leave(slow); // the connection closes after the end: counted once
        assertThat(streams.followers()).isEqualTo(1);
        assertThat(reading.last).isNull();
    }

    @Test
    void anEndJournaledBetweenTwoReadsComesWithTheFinalRecord() {
        // the upgrade ends while a pump runs: its final record is committed, then its end journaled
        UpgradeRecord verifying = UpgradeRecord.accepted("upg-2", "5.1.2.02", "5.1.2.04", UpgradeMode.ZERO_DOWNTIME,
                UpgradeMode.ZERO_DOWNTIME, null, "http", "ops", now, List.of(), null, 8, null, false)
                .in(UpgradeState.VERIFYING, null, "verifying");
        AtomicReference<UpgradeRecord> stored = new AtomicReference<>(verifying);
        List<StreamEvent> journaled = new ArrayList<>();
        journaled.add(new StreamEvent(1, EventType.UPGRADE_ACCEPTED.id(), "{}"));
        UpgradeRecords records = new UpgradeRecords(null, null) {
            @Override
            public Optional<UpgradeRecord> find(String id) {
                return Optional.of(stored.get());
            }
        };
        EventJournal journal = new EventJournal(null, null, clock) {
            @Override
            public List<StreamEvent> after(String upgradeId, long seq, int limit) {
                List<StreamEvent> now = journaled.stream().filter(e -> e.seq() > seq).toList();
                if (journaled.size() == 1) { // the end lands now
                    stored.set(verifying.ended(UpgradeState.SUCCEEDED, clock.instant(), "done"));
                    journaled.add(new StreamEvent(2, EventType.UPGRADE_SUCCEEDED.id(), "{}"));
                }
                return now;
            }

            @Override
            public long endedAt(String upgradeId, UpgradeState state) {
                return journaled.stream().filter(StreamEvent::ends).mapToLong(StreamEvent::seq).max().orElse(-1);
            }
        };
        EventStreams ending = new EventStreams(journal, records, new ObjectMapper().findAndRegisterModules(), clock,
                new EventStreams.Settings(2, 1024, Duration.ofSeconds(30), 100), dropped::incrementAndGet);
        Sink follower = new Sink();
        ending.admit();
        ending.join(ending.follower("upg-2", 0, follower));

        ending.pump("upg-2"); // read: event 1, and the record as it is after (final)
        ending.pump("upg-2"); // the end
        String sent = String.join("", follower.written);
        assertThat(sent.substring(sent.lastIndexOf("event: record"))).contains("\"state\":\"SUCCEEDED\"");
        assertThat(follower.last).startsWith("event: end").contains("SUCCEEDED");
    }

    @Test
    void aFollowerWhoseConnectionClosedBeforeItJoinedIsNotFed() {
        List<String> woken = new ArrayList<>();
        streams.connect(woken::add);
        assertThat(streams.admit()).isTrue();
        EventStreams.Follower gone = streams.follower("upg-3", 0, new Sink());
        streams.leave(gone); // the close handler ran first
        streams.join(gone);
        assertThat(woken).isEmpty();
        assertThat(streams.followers()).isZero();
        streams.pump("upg-3"); // no channel left: nothing to read
    }
}
