package io.upshift.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upshift.upgrade.ServiceProgress;
import io.upshift.upgrade.UpgradeRecord;
import io.upshift.upgrade.UpgradeState;

/**
 * The Upgrade Record in the application's database: the record's own fields in one row (a JSON
 * document beside the columns queries use), each service in a row of its own, so a progress event
 * writes one small row. Reads of several records fetch their services in one query.
 */
public class UpgradeRecords {

    private static final String ACTIVE = String.join(", ", UpgradeState.active().stream()
            .map(s -> "'" + s.name() + "'").sorted().toList());

    private final Jdbc jdbc;
    private final ObjectMapper json;
    private final RecordChanges changes;

    public UpgradeRecords(Jdbc jdbc, ObjectMapper json) {
        this(jdbc, json, RecordChanges.NONE);
    }

    /** {@code changes} hears of each create and save inside its transaction (the notifications' outbox). */
    public UpgradeRecords(Jdbc jdbc, ObjectMapper json, RecordChanges changes) {
        this.jdbc = jdbc;
        this.json = json;
        this.changes = changes;
    }

    public void create(UpgradeRecord record, String idempotencyKey) {
        jdbc.inTransaction(tx -> {
            tx.update("INSERT INTO upgrade_record (id, created_at, state, target_version, idempotency_key, document)"
                    + " VALUES (?, ?, ?, ?, ?, ?)", record.id(), record.createdAt(), record.state().name(),
                    record.targetVersion(), idempotencyKey, writeWithoutServices(record));
            List<Object[]> rows = new ArrayList<>();
            for (ServiceProgress s : record.services()) {
                rows.add(new Object[] {record.id(), rows.size(), s.name(), write(s)});
            }
            tx.batch("INSERT INTO upgrade_service (upgrade_id, position, name, document) VALUES (?, ?, ?, ?)", rows);
            return changes.stored(tx, null, record);
        }).run();
    }

    /**
     * Stores {@code after} over {@code before}: the record's row when its own fields changed (not at a
     * service's start or finish: its progress is counted from the services as it is read), and the
     * rows of the services that changed.
     */
    public void save(UpgradeRecord before, UpgradeRecord after) {
        jdbc.inTransaction(tx -> {
            UpgradeRecord own = after.withServices(List.of());
            if (!own.equals(before.withServices(List.of()))) {
                tx.update("UPDATE upgrade_record SET state = ?, document = ? WHERE id = ?", after.state().name(),
                        write(own), after.id());
            }
            List<Object[]> changed = new ArrayList<>();
            for (ServiceProgress s : changedServices(before, after)) {
                changed.add(new Object[] {write(s), after.id(), s.name()});
            }
            tx.batch("UPDATE upgrade_service SET document = ? WHERE upgrade_id = ? AND name = ?", changed);
            return changes.stored(tx, before, after);
        }).run();
    }

    /**
     * The services of {@code after} that differ from {@code before}'s, in one pass: a decision copies the
     * lines it does not change (same objects, same places), so most are told apart by identity.
     */
    static List<ServiceProgress> changedServices(UpgradeRecord before, UpgradeRecord after) {
        List<ServiceProgress> was = before.services();
        List<ServiceProgress> now = after.services();
        Map<String, ServiceProgress> byName = null;
        List<ServiceProgress> changed = new ArrayList<>();
        for (int i = 0; i < now.size(); i++) {
            ServiceProgress s = now.get(i);
            ServiceProgress old = i < was.size() && was.get(i).name().equals(s.name()) ? was.get(i) : null;
            if (old == null) {
                if (byName == null) {
                    byName = new HashMap<>();
                    for (ServiceProgress w : was) {
                        byName.put(w.name(), w);
                    }
                }
                old = byName.get(s.name());
            }
            if (old != s && !s.equals(old)) {
                changed.add(s);
            }
        }
        return changed;
    }

    public Optional<UpgradeRecord> find(String id) {
        return first(jdbc.query("SELECT document FROM upgrade_record WHERE id = ?", row -> row.getString(1), id));
    }

    /**
     * One upgrade with its services' documents as stored, in two statements, none of them read into
     * objects: what the API writes out as it is for an upgrade whose services no longer change.
     */
    public Optional<StoredRecord> findStored(String id) {
        return jdbc.one("SELECT document FROM upgrade_record WHERE id = ?", row -> row.getString(1), id)
                .map(document -> new StoredRecord(read(document, UpgradeRecord.class), jdbc.query(
                        "SELECT document FROM upgrade_service WHERE upgrade_id = ? ORDER BY position",
                        row -> row.getString(1), id)));
    }

    public boolean exists(String id) {
        return jdbc.one("SELECT 1 FROM upgrade_record WHERE id = ?", row -> true, id).isPresent();
    }

    /** The record of {@code stored}, its services read into objects. */
    public UpgradeRecord typed(StoredRecord stored) {
        return stored.head().withServices(stored.serviceDocuments().stream()
                .map(d -> read(d, ServiceProgress.class)).toList());
    }

    public Optional<UpgradeRecord> findByIdempotencyKey(String key) {
        return key == null || key.isBlank() ? Optional.empty() : first(jdbc.query(
                "SELECT document FROM upgrade_record WHERE idempotency_key = ?", row -> row.getString(1), key));
    }

    /** Upgrades not yet ended, oldest first: what a restart resumes. */
    public List<UpgradeRecord> active() {
        return withServices(jdbc.query("SELECT document FROM upgrade_record WHERE state IN (" + ACTIVE
                + ") ORDER BY created_at LIMIT 1000", row -> row.getString(1)));
    }

    /** The ids of the upgrades not yet ended, oldest first, without reading their records. */
    public List<String> activeIds() {
        return jdbc.query("SELECT id FROM upgrade_record WHERE state IN (" + ACTIVE + ") ORDER BY created_at LIMIT 1000",
                row -> row.getString(1));
    }

    /** The Upgrade Record, newest first. */
    public List<UpgradeRecord> list(int offset, int limit) {
        return withServices(jdbc.query("SELECT document FROM upgrade_record ORDER BY created_at DESC, id DESC"
                + " LIMIT ? OFFSET ?", row -> row.getString(1), limit, offset));
    }

    private Optional<UpgradeRecord> first(List<String> documents) {
        return withServices(documents).stream().findFirst();
    }

    /** The records of these documents with their services, read in one query. */
    private List<UpgradeRecord> withServices(List<String> documents) {
        if (documents.isEmpty()) {
            return List.of();
        }
        List<UpgradeRecord> records = documents.stream().map(d -> read(d, UpgradeRecord.class)).toList();
        String ids = String.join(", ", Collections.nCopies(records.size(), "?"));
        Map<String, List<ServiceProgress>> services = new HashMap<>();
        jdbc.query("SELECT upgrade_id, document FROM upgrade_service WHERE upgrade_id IN (" + ids
                + ") ORDER BY upgrade_id, position", row -> services.computeIfAbsent(row.getString(1),
                        k -> new ArrayList<>()).add(read(row.getString(2), ServiceProgress.class)),
                records.stream().map(UpgradeRecord::id).toArray());
        return records.stream().map(r -> r.withServices(services.getOrDefault(r.id(), List.of()))).toList();
    }

    /** The record's row: its own fields; the services live in upgrade_service. */
    private String writeWithoutServices(UpgradeRecord r) {
        return write(r.withServices(List.of()));
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T read(String document, Class<T> type) {
        try {
            return Objects.requireNonNull(json.readValue(document, type));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable " + type.getSimpleName() + " in the upgrade record", e);
        }
    }
}
