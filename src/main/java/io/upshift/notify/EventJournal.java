package io.upshift.notify;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upshift.store.Jdbc;
import io.upshift.store.RecordChanges;
import io.upshift.store.UpgradeLog;
import io.upshift.upgrade.UpgradeRecord;
import io.upshift.upgrade.UpgradeState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each upgrade's events in order (table {@code upgrade_event}): its log lines (told by
 * {@link UpgradeLog}) and its state events ({@link UpgradeEvents}, told of each stored record
 * change), numbered by the upgrade's own sequence. That number is the event id of
 * {@code GET /api/upgrades/{id}/events}: a follower that comes back resumes after it.
 *
 * <p>An upgrade's events are numbered and written under one lock per upgrade, each row committed
 * before the next is numbered, so a reader never sees event N+1 before event N. Only the replica
 * that runs an upgrade writes its events; one that takes an upgrade over continues after the
 * highest stored number. After each write {@code written} is told the upgrade's id (followers here
 * are woken, the other replicas signalled). A failed write is logged and never fails the upgrade:
 * the log line and the record are stored already.
 */
public class EventJournal implements RecordChanges {

    private static final Logger LOG = LoggerFactory.getLogger(EventJournal.class);

    private final Jdbc jdbc;
    private final ObjectMapper json;
    private final Clock clock;
    private final Map<String, AtomicLong> last = new ConcurrentHashMap<>();
    private volatile Consumer<Written> written = w -> { };

    /** What was written: {@code recordChanged} when the upgrade's record changed too. */
    public record Written(String upgradeId, boolean recordChanged) {
    }

    private record Entry(String type, Instant at, String data) {
    }

    public EventJournal(Jdbc jdbc, ObjectMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /** Wired once the followers and signals exist. */
    public void connect(Consumer<Written> listener) {
        this.written = listener;
    }

    /** A record change: its state events, once the change is committed. */
    @Override
    public Runnable stored(Jdbc tx, UpgradeRecord before, UpgradeRecord after) {
        List<Event> events = UpgradeEvents.between(before, after, clock.instant());
        return () -> {
            List<Entry> entries = new ArrayList<>();
            for (Event e : events) {
                entries.add(new Entry(e.type().id(), e.at(), write(e)));
            }
            append(after.id(), entries);
            written.accept(new Written(after.id(), true));
        };
    }

    /** A log line, just stored. */
    public void logged(String upgradeId, UpgradeLog.Line line) {
        append(upgradeId, List.of(new Entry(StreamEvent.LOG, line.at(), write(line))));
        written.accept(new Written(upgradeId, false));
    }

    /** The upgrade's events after {@code seq}, oldest first, at most {@code limit}. */
    public List<StreamEvent> after(String upgradeId, long seq, int limit) {
        return jdbc.query("SELECT seq, type, document FROM upgrade_event WHERE upgrade_id = ? AND seq > ? ORDER BY seq"
                + " LIMIT ?", row -> new StreamEvent(row.getLong(1), row.getString(2), row.getString(3)),
                upgradeId, seq, limit);
    }

    /**
     * The number of the event that told the end of the upgrade in {@code state} (final): the last
     * such event, 0 when the journal has no event of the upgrade at all (it ended before the
     * journal existed), or -1 when that event is not written yet.
     */
    public long endedAt(String upgradeId, UpgradeState state) {
        return jdbc.one("SELECT MAX(CASE WHEN type = ? THEN seq END), COUNT(*) FROM upgrade_event WHERE upgrade_id = ?",
                row -> {
                    long seq = row.getLong(1);
                    return row.wasNull() ? (row.getLong(2) == 0 ? 0L : -1L) : seq;
                }, EventType.ended(state).id(), upgradeId).orElse(0L);
    }

    private void append(String upgradeId, List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        AtomicLong counter = last.computeIfAbsent(upgradeId, this::highest);
        synchronized (counter) {
            for (Entry e : entries) {
                try {
                    insert(upgradeId, counter.incrementAndGet(), e);
                } catch (SQLException duplicate) {
                    if (!Jdbc.isDuplicateKey(duplicate)) {
                        LOG.error("Upgrade {}: event {} not stored: {}", upgradeId, e.type(), duplicate.getMessage());
                        continue;
                    }
                    // another replica wrote this upgrade's events meanwhile (a takeover): continue after them
                    counter.set(highest(upgradeId).get());
                    try {
                        insert(upgradeId, counter.incrementAndGet(), e);
                    } catch (SQLException again) {
                        LOG.error("Upgrade {}: event {} not stored: {}", upgradeId, e.type(), again.getMessage());
                    }
                } catch (RuntimeException failed) {
                    LOG.error("Upgrade {}: event {} not stored: {}", upgradeId, e.type(), failed.getMessage());
                }
            }
        }
    }

    private void insert(String upgradeId, long seq, Entry e) throws SQLException {
        jdbc.updateOrThrow("INSERT INTO upgrade_event (upgrade_id, seq, at, type, document) VALUES (?, ?, ?, ?, ?)",
                upgradeId, seq, e.at(), e.type(), e.data());
    }

    private AtomicLong highest(String upgradeId) {
        return new AtomicLong(jdbc.one("SELECT MAX(seq) FROM upgrade_event WHERE upgrade_id = ?", row -> row.getLong(1),
                upgradeId).orElse(0L));
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
