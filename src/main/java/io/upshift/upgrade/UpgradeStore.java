package io.upshift.upgrade;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upshift.RejectedException;

/**
 * The Upgrade Record, the upgrade logs and the platform's current version, in the application's
 * database. Writes to one upgrade are serialized here (the lock holder is the only writer).
 */
public class UpgradeStore {

    private static final String PLATFORM = "platform";

    private final DataSource dataSource;
    private final ObjectMapper json;
    private final Clock clock;
    private final String initialVersion;
    private final Map<String, AtomicInteger> logLines = new ConcurrentHashMap<>();

    public UpgradeStore(DataSource dataSource, ObjectMapper json, Clock clock, String initialVersion) {
        this.dataSource = dataSource;
        this.json = json;
        this.clock = clock;
        this.initialVersion = initialVersion;
    }

    public String newId() {
        return "upg-" + UUID.randomUUID().toString().substring(0, 13);
    }

    // ---- records

    /** Stores a new record: the record's own fields in one row, each service in a row of its own. */
    public void create(UpgradeRecord record, String idempotencyKey) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO upgrade_record (id, created_at, state, target_version, idempotency_key, document) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, record.id());
                ps.setObject(2, utc(record.createdAt()));
                ps.setString(3, record.state().name());
                ps.setString(4, record.targetVersion());
                ps.setString(5, idempotencyKey);
                ps.setString(6, writeWithoutServices(record));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO upgrade_service (upgrade_id, position, name, document) VALUES (?, ?, ?, ?)")) {
                int position = 0;
                for (ServiceProgress service : record.services()) {
                    ps.setString(1, record.id());
                    ps.setInt(2, position++);
                    ps.setString(3, service.name());
                    ps.setString(4, write(service));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException("could not store upgrade " + record.id(), e);
        }
    }

    /**
     * Applies {@code change} to the stored record and stores the result (the record's row, and the
     * rows of the services it changed); returns it.
     */
    public synchronized UpgradeRecord update(String id, UnaryOperator<UpgradeRecord> change) {
        UpgradeRecord before = get(id);
        UpgradeRecord changed = change.apply(before);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE upgrade_record SET state = ?, document = ? WHERE id = ?")) {
            ps.setString(1, changed.state().name());
            ps.setString(2, writeWithoutServices(changed));
            ps.setString(3, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not update upgrade " + id, e);
        }
        for (ServiceProgress service : changed.services()) {
            if (!before.service(service.name()).map(service::equals).orElse(false)) {
                saveService(id, service);
            }
        }
        return changed;
    }

    /** Stores one service's line of an upgrade: what the progress aggregator writes per event. */
    public void saveService(String id, ServiceProgress service) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE upgrade_service SET document = ? WHERE upgrade_id = ? AND name = ?")) {
            ps.setString(1, write(service));
            ps.setString(2, id);
            ps.setString(3, service.name());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not update service " + service.name() + " of upgrade " + id, e);
        }
    }

    public Optional<UpgradeRecord> find(String id) {
        return one("SELECT document FROM upgrade_record WHERE id = ?", id);
    }

    public UpgradeRecord get(String id) {
        return find(id).orElseThrow(() -> new RejectedException(404, "unknown upgrade",
                List.of("no upgrade \"" + id + "\" is recorded")));
    }

    public Optional<UpgradeRecord> findByIdempotencyKey(String key) {
        return key == null || key.isBlank() ? Optional.empty()
                : one("SELECT document FROM upgrade_record WHERE idempotency_key = ?", key);
    }

    /** Upgrades not yet ended (PENDING or RUNNING), oldest first: what a restart resumes. */
    public List<UpgradeRecord> active() {
        return many("SELECT document FROM upgrade_record WHERE state IN ('PENDING', 'RUNNING') ORDER BY created_at", 0, 1000);
    }

    /** The Upgrade Record, newest first. */
    public List<UpgradeRecord> list(int offset, int limit) {
        return many("SELECT document FROM upgrade_record ORDER BY created_at DESC, id DESC", offset, limit);
    }

    /** Page {@code page} (from 1) of the Upgrade Record, {@code size} records a page (at most 200). */
    public List<UpgradeRecord> page(Integer page, Integer size) {
        int limit = size == null || size < 1 ? 20 : Math.min(size, 200);
        int from = page == null || page < 1 ? 0 : (page - 1) * limit;
        return list(from, limit);
    }

    // ---- logs

    /** Appends one timestamped line to an upgrade's log; returns its number (from 1). */
    public int log(String id, String message) {
        AtomicInteger counter = logLines.computeIfAbsent(id, k -> new AtomicInteger(lastLine(k)));
        synchronized (counter) {
            int line = counter.incrementAndGet();
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO upgrade_log (upgrade_id, line_no, logged_at, message) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setInt(2, line);
                ps.setObject(3, utc(clock.instant()));
                ps.setString(4, message);
                ps.executeUpdate();
                return line;
            } catch (SQLException e) {
                throw new IllegalStateException("could not write the log of upgrade " + id, e);
            }
        }
    }

    /** The log lines after line {@code after}, each as {@code <timestamp> <message>}. */
    public List<LogLine> logs(String id, int after) {
        get(id);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT line_no, logged_at, message FROM upgrade_log WHERE upgrade_id = ? AND line_no > ? ORDER BY line_no")) {
            ps.setString(1, id);
            ps.setInt(2, Math.max(0, after));
            try (ResultSet rs = ps.executeQuery()) {
                List<LogLine> lines = new ArrayList<>();
                while (rs.next()) {
                    lines.add(new LogLine(rs.getInt(1), rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getString(3)));
                }
                return lines;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the log of upgrade " + id, e);
        }
    }

    /** The log as text, one line per event: {@code <n> <timestamp> <message>}. */
    public String logText(String id, Integer after) {
        StringBuilder text = new StringBuilder();
        for (LogLine line : logs(id, after == null ? 0 : after)) {
            text.append(line.line()).append(' ').append(line).append('\n');
        }
        return text.toString();
    }

    private int lastLine(String id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT MAX(line_no) FROM upgrade_log WHERE upgrade_id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- platform

    /** The version the platform runs; {@code upshift.platform.current-version} until an upgrade succeeds. */
    public String currentVersion() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT current_version FROM platform_state WHERE id = ?")) {
            ps.setString(1, PLATFORM);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : initialVersion;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the platform version", e);
        }
    }

    public void setCurrentVersion(String version) {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE platform_state SET current_version = ?, updated_at = ? WHERE id = ?")) {
                ps.setString(1, version);
                ps.setObject(2, utc(clock.instant()));
                ps.setString(3, PLATFORM);
                if (ps.executeUpdate() > 0) {
                    return;
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO platform_state (id, current_version, updated_at) VALUES (?, ?, ?)")) {
                ps.setString(1, PLATFORM);
                ps.setString(2, version);
                ps.setObject(3, utc(clock.instant()));
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not store the platform version", e);
        }
    }

    // ---- helpers

    private Optional<UpgradeRecord> one(String sql, String param) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(withServices(c, read(rs.getString(1)))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read upgrades", e);
        }
    }

    private List<UpgradeRecord> many(String sql, int offset, int limit) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql + " LIMIT ? OFFSET ?")) {
            ps.setInt(1, limit);
            ps.setInt(2, offset);
            try (ResultSet rs = ps.executeQuery()) {
                List<UpgradeRecord> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(read(rs.getString(1)));
                }
                List<UpgradeRecord> complete = new ArrayList<>(out.size());
                for (UpgradeRecord record : out) {
                    complete.add(withServices(c, record));
                }
                return complete;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read upgrades", e);
        }
    }

    /** The record's row: its own fields; the services live in upgrade_service. */
    private String writeWithoutServices(UpgradeRecord r) {
        return write(new UpgradeRecord(r.id(), r.fromVersion(), r.targetVersion(), r.requestedMode(), r.mode(),
                r.modeReason(), r.state(), r.trigger(), r.requestedBy(), r.createdAt(), r.startedAt(), r.finishedAt(),
                null, List.of(), r.message(), r.windowEndsAt(), r.overran()));
    }

    private UpgradeRecord withServices(Connection c, UpgradeRecord r) throws SQLException {
        List<ServiceProgress> services = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT document FROM upgrade_service WHERE upgrade_id = ? ORDER BY position")) {
            ps.setString(1, r.id());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    services.add(readService(rs.getString(1)));
                }
            }
        }
        return new UpgradeRecord(r.id(), r.fromVersion(), r.targetVersion(), r.requestedMode(), r.mode(),
                r.modeReason(), r.state(), r.trigger(), r.requestedBy(), r.createdAt(), r.startedAt(), r.finishedAt(),
                null, services, r.message(), r.windowEndsAt(), r.overran());
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private ServiceProgress readService(String document) {
        try {
            return json.readValue(document, ServiceProgress.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable service of an upgrade record", e);
        }
    }

    private UpgradeRecord read(String document) {
        try {
            return json.readValue(document, UpgradeRecord.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable upgrade record", e);
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    /** One line of an upgrade's log. */
    public record LogLine(int line, Instant at, String message) {

        @Override
        public String toString() {
            return at + " " + message;
        }
    }
}
