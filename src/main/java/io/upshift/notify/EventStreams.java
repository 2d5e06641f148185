package io.upshift.notify;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upshift.store.UpgradeRecords;
import io.upshift.upgrade.UpgradeRecord;

/**
 * The followers of upgrades' event streams (bean {@code eventStreams}), fed from the
 * {@link EventJournal} in the database, never from memory alone: a follower on any replica gets
 * what the replica running the upgrade wrote, and one that reconnects resumes after the last
 * event id it saw.
 *
 * <p>Thread model: a write to the journal (here, or a signal from another replica) only marks the
 * upgrade's channel as queued and wakes route {@code upgrade-events} ({@link EventStreamRoutes}),
 * whose one thread {@link #pump pumps}: one read of the journal after the lowest cursor of the
 * channel's followers (one read for 50 followers, not 50), and the record when it changed; each
 * follower gets what is past its own cursor. No thread waits for a follower: a write goes to the
 * connection's bounded buffer; a follower whose buffer is full is skipped (its cursor stays, the
 * journal keeps its events) and woken again when it drains, and one still full after
 * {@code slowTimeout} is dropped with a final {@code dropped} event. Route
 * {@code event-stream-heartbeat} writes a comment to every follower (proxies close silent
 * connections) and drops the slow ones.
 *
 * <p>Stream: {@code record} (the upgrade's record, when it changed; no id: it is a state, not an
 * event), {@code log} and {@code state} events with the journal's number as id, and at the end
 * {@code end} with the final state, after which the response ends.
 */
public class EventStreams {

    /** Tunables (application.properties, {@code upshift.events.*}). */
    public record Settings(int maxFollowers, int bufferBytes, Duration slowTimeout, int page) {
    }

    /** Where a follower's events go: an HTTP response. Writes never block. */
    public interface Sink {
        /** True when the buffer holds {@code bufferBytes} not yet sent. */
        boolean full();

        /** Frames as UTF-8: one array is written to many followers (encoded once per pump, not per follower). */
        void write(byte[] frames);

        /** Writes the last frame and ends the response. */
        void end(String frame);

        /** Runs {@code then} once when the buffer has room again. */
        void onDrain(Runnable then);
    }

    /** One follower: where it is ({@code cursor}: the last event id it was sent) and what it was last sent of the record. */
    public static final class Follower {
        private final String upgradeId;
        private final Sink sink;
        private volatile long cursor;
        private volatile String record;
        private volatile Instant fullSince;
        private final AtomicBoolean done = new AtomicBoolean();

        Follower(String upgradeId, long cursor, Sink sink) {
            this.upgradeId = upgradeId;
            this.cursor = cursor;
            this.sink = sink;
        }

        public String upgradeId() {
            return upgradeId;
        }
    }

    private static final byte[] HEARTBEAT = utf8(": heartbeat\n\n");

    /** The events past a cursor, framed: up to and with the end, if one is among them. */
    private record Chunk(byte[] frames, long last, boolean ends) {
        static Chunk of(List<StreamEvent> events, long cursor) {
            StringBuilder frames = new StringBuilder();
            long last = cursor;
            for (StreamEvent e : events) {
                if (e.seq() > cursor) {
                    frames.append(e.frame());
                    last = e.seq();
                    if (e.ends()) {
                        return new Chunk(utf8(frames.toString()), last, true);
                    }
                }
            }
            return new Chunk(utf8(frames.toString()), last, false);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static final class Channel {
        final Set<Follower> followers = ConcurrentHashMap.newKeySet();
        final AtomicBoolean queued = new AtomicBoolean();
        final AtomicBoolean recordChanged = new AtomicBoolean(true);
    }

    private final EventJournal journal;
    private final UpgradeRecords records;
    private final ObjectMapper json;
    private final Clock clock;
    private final Settings settings;
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    private final AtomicInteger followers = new AtomicInteger();
    private final Runnable droppedSlow;
    private volatile Consumer<String> wakeUp = id -> { };

    public EventStreams(EventJournal journal, UpgradeRecords records, ObjectMapper json, Clock clock, Settings settings,
            Runnable droppedSlow) {
        this.journal = journal;
        this.records = records;
        this.json = json;
        this.clock = clock;
        this.settings = settings;
        this.droppedSlow = droppedSlow;
    }

    /** Wired once Camel's producers exist: queues a pump of an upgrade's channel. */
    public void connect(Consumer<String> pumpLater) {
        this.wakeUp = pumpLater;
    }

    public Settings settings() {
        return settings;
    }

    /** Followers now, on this replica. */
    public int followers() {
        return followers.get();
    }

    /** A place for one more follower, or false when {@code maxFollowers} follow already. */
    public boolean admit() {
        if (followers.incrementAndGet() > settings.maxFollowers()) {
            followers.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Gives back a place {@link #admit} gave that was not used. */
    public void release() {
        followers.decrementAndGet();
    }

    /** An admitted follower of {@code upgradeId} from after event {@code after}, not yet {@link #join joined}. */
    public Follower follower(String upgradeId, long after, Sink sink) {
        return new Follower(upgradeId, Math.max(0, after), sink);
    }

    /** Starts feeding the follower: its first pump is queued (unless it went away already). */
    public void join(Follower f) {
        channels.computeIfAbsent(f.upgradeId, k -> new Channel()).followers.add(f);
        if (f.done.get()) { // closed before it joined
            leave(f);
            return;
        }
        wake(f.upgradeId, true);
    }

    /** The follower went away (the connection closed); harmless when it was ended here. */
    public void leave(Follower f) {
        if (f.done.compareAndSet(false, true)) {
            followers.decrementAndGet();
        }
        Channel c = channels.get(f.upgradeId);
        if (c != null) {
            c.followers.remove(f);
            channels.computeIfPresent(f.upgradeId, (k, v) -> v.followers.isEmpty() ? null : v);
        }
    }

    /** The journal has news of the upgrade: queue a pump when someone here follows it and none is queued. */
    public void wake(String upgradeId, boolean recordChanged) {
        Channel c = channels.get(upgradeId);
        if (c == null) {
            return;
        }
        if (recordChanged) {
            c.recordChanged.set(true);
        }
        if (c.queued.compareAndSet(false, true)) {
            wakeUp.accept(upgradeId);
        }
    }

    /** Another replica's listener reconnected: signals may have been lost, look at every channel. */
    public void wakeAll() {
        channels.keySet().forEach(id -> wake(id, true));
    }

    /** Route {@code upgrade-events}: sends each follower of the upgrade what is new to it. */
    public void pump(String upgradeId) {
        Channel c = channels.get(upgradeId);
        if (c == null) {
            return;
        }
        c.queued.set(false);
        List<Follower> ready = c.followers.stream().filter(f -> !f.done.get()).filter(this::ready).toList();
        if (ready.isEmpty()) {
            return;
        }
        // the journal before the record: an upgrade's end is journaled after its final record is
        // committed, so a read that finds the end then finds the final record (never an earlier one)
        long from = ready.stream().mapToLong(f -> f.cursor).min().orElse(0);
        boolean recordChanged = c.recordChanged.getAndSet(false);
        List<StreamEvent> events = journal.after(upgradeId, from, settings.page());
        boolean caughtUp = events.size() < settings.page();
        boolean read = recordChanged || events.stream().anyMatch(StreamEvent::ends)
                || ready.stream().anyMatch(f -> f.record == null);
        Optional<UpgradeRecord> record = read ? records.find(upgradeId) : Optional.empty();
        String recordJson = record.map(this::write).orElse(null);
        byte[] recordFrame = recordJson == null ? null : utf8("event: record\ndata: " + recordJson + "\n\n");
        Map<Long, Chunk> chunks = new HashMap<>(); // followers at the same cursor get the same bytes
        Long endedAt = null;
        for (Follower f : ready) {
            Chunk chunk = chunks.computeIfAbsent(f.cursor, at -> Chunk.of(events, at));
            if (chunk.frames().length > 0) {
                f.sink.write(chunk.frames());
                f.cursor = chunk.last();
            }
            boolean end = chunk.ends();
            if (recordJson != null && !recordJson.equals(f.record)) {
                f.sink.write(recordFrame);
                f.record = recordJson;
            }
            if (!end && caughtUp && record.isPresent() && record.get().state().isFinal()) {
                // joined after the end (or resumed past it): end once the journal has the end this follower saw
                if (endedAt == null) {
                    endedAt = journal.endedAt(upgradeId, record.get().state());
                }
                end = endedAt >= 0 && f.cursor >= endedAt;
            }
            if (end) {
                finish(f, "end", record.map(r -> Map.of("state", r.state().name(), "message", String.valueOf(r.message())))
                        .orElse(Map.of()));
            }
        }
        if (!caughtUp) {
            wake(upgradeId, false);
        }
    }

    /** Route {@code event-stream-heartbeat}: a comment to every follower; a follower full for too long is dropped. */
    public void heartbeat() {
        Instant now = clock.instant();
        for (Channel c : channels.values()) {
            for (Follower f : c.followers) {
                if (f.done.get()) {
                    continue;
                }
                if (!f.sink.full()) {
                    f.sink.write(HEARTBEAT);
                } else if (f.fullSince == null) {
                    f.fullSince = now;
                } else if (!now.isBefore(f.fullSince.plus(settings.slowTimeout()))) {
                    droppedSlow.run();
                    finish(f, "dropped", Map.of("reason", "this follower read too slowly: its buffer of "
                            + settings.bufferBytes() + " bytes stayed full for " + settings.slowTimeout().toSeconds()
                            + " s; reconnect with Last-Event-ID " + f.cursor + " to resume"));
                }
            }
        }
    }

    /** A follower with room in its buffer; a full one is noted and woken again when it drains. */
    private boolean ready(Follower f) {
        if (!f.sink.full()) {
            f.fullSince = null;
            return true;
        }
        if (f.fullSince == null) {
            f.fullSince = clock.instant();
            f.sink.onDrain(() -> wake(f.upgradeId, false));
        }
        return false;
    }

    private void finish(Follower f, String event, Map<String, String> data) {
        f.sink.end("event: " + event + "\ndata: " + write(data) + "\n\n");
        leave(f);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
