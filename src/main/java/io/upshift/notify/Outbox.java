package io.upshift.notify;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upshift.store.Jdbc;

/**
 * The notifications' outbox (tables {@code notify_event}, {@code notify_delivery}): events are
 * added in the caller's transaction with a PENDING delivery for each receiver that takes them; the
 * delivery route takes each receiver's oldest pending delivery, so a receiver gets its events in
 * order, and records every attempt.
 */
public class Outbox {

    private static final String COLUMNS = "d.event_id, d.receiver, d.state, d.attempts, d.last_attempt_at,"
            + " d.last_status, d.last_error, d.delivered_at, e.document";
    private static final int MAX_ERROR = 500;

    private final Jdbc jdbc;
    private final ObjectMapper json;
    private final Clock clock;

    public Outbox(Jdbc jdbc, ObjectMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
    }

    /** Adds the events (in {@code tx}); answers the receivers that got something to deliver. */
    public Set<String> add(Jdbc tx, List<Event> events, List<Receiver> receivers) {
        Set<String> woken = new LinkedHashSet<>();
        for (Event event : events) {
            List<Receiver> takers = receivers.stream().filter(r -> r.takes(event.type())).toList();
            if (takers.isEmpty()) {
                continue;
            }
            long id = tx.insert("INSERT INTO notify_event (created_at, type, upgrade_id, document) VALUES (?, ?, ?, ?)",
                    event.at(), event.type().id(), event.upgradeId(), write(event));
            List<Object[]> rows = new ArrayList<>();
            for (Receiver r : takers) {
                rows.add(new Object[] {id, r.name(), Delivery.State.PENDING.name(), 0});
                woken.add(r.name());
            }
            tx.batch("INSERT INTO notify_delivery (event_id, receiver, state, attempts) VALUES (?, ?, ?, ?)", rows);
        }
        return woken;
    }

    /** The receiver's oldest pending delivery. */
    public Optional<Delivery> next(String receiver) {
        return jdbc.one("SELECT " + COLUMNS + " FROM notify_delivery d JOIN notify_event e ON e.id = d.event_id"
                + " WHERE d.receiver = ? AND d.state = 'PENDING' ORDER BY d.event_id LIMIT 1", this::delivery, receiver);
    }

    public int attempts(Delivery d) {
        return jdbc.one("SELECT attempts FROM notify_delivery WHERE event_id = ? AND receiver = ?",
                row -> row.getInt(1), d.eventId(), d.receiver()).orElse(0);
    }

    /** Counts an attempt before it is made: a crash mid-attempt still counts it. */
    public void attempt(Delivery d) {
        jdbc.update("UPDATE notify_delivery SET attempts = attempts + 1, last_attempt_at = ? WHERE event_id = ?"
                + " AND receiver = ?", clock.instant(), d.eventId(), d.receiver());
    }

    public void delivered(Delivery d, int status) {
        jdbc.update("UPDATE notify_delivery SET state = 'DELIVERED', last_status = ?, last_error = NULL,"
                + " delivered_at = ? WHERE event_id = ? AND receiver = ?", status, clock.instant(), d.eventId(), d.receiver());
    }

    public void failedAttempt(Delivery d, Integer status, String error) {
        jdbc.update("UPDATE notify_delivery SET last_status = ?, last_error = ? WHERE event_id = ? AND receiver = ?",
                status, truncate(error), d.eventId(), d.receiver());
    }

    /** No more attempts: FAILED, with why. */
    public void abandon(Delivery d, String why) {
        jdbc.update("UPDATE notify_delivery SET state = 'FAILED', last_error = COALESCE(last_error || '; ', '') || ?"
                + " WHERE event_id = ? AND receiver = ?", truncate(why), d.eventId(), d.receiver());
    }

    /** Deliveries, newest event first; optionally of one receiver and in one state. */
    public List<Delivery> list(String receiver, Delivery.State state, int offset, int limit) {
        List<Object> parameters = new ArrayList<>();
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        if (receiver != null && !receiver.isBlank()) {
            where.append(" AND d.receiver = ?");
            parameters.add(receiver);
        }
        if (state != null) {
            where.append(" AND d.state = ?");
            parameters.add(state.name());
        }
        parameters.add(limit);
        parameters.add(offset);
        return jdbc.query("SELECT " + COLUMNS + " FROM notify_delivery d JOIN notify_event e ON e.id = d.event_id"
                + where + " ORDER BY d.event_id DESC, d.receiver LIMIT ? OFFSET ?", this::delivery, parameters.toArray());
    }

    private Delivery delivery(java.sql.ResultSet row) throws java.sql.SQLException {
        int status = row.getInt(6);
        Integer lastStatus = row.wasNull() ? null : status;
        return new Delivery(row.getLong(1), row.getString(2), Delivery.State.valueOf(row.getString(3)), row.getInt(4),
                Jdbc.instant(row, 5), lastStatus, row.getString(7), Jdbc.instant(row, 8),
                read(row.getString(9)));
    }

    private static String truncate(String text) {
        return text == null || text.length() <= MAX_ERROR ? text : text.substring(0, MAX_ERROR);
    }

    private String write(Event event) {
        try {
            return json.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Event read(String document) {
        try {
            return json.readValue(document, Event.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable event in the outbox", e);
        }
    }
}
