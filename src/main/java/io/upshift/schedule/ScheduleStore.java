package io.upshift.schedule;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import io.upshift.store.Jdbc;
import io.upshift.upgrade.UpgradeMode;

/** Upgrade windows in the application's database ({@code upgrade_schedule}, migration V4). */
public class ScheduleStore {

    private static final String COLUMNS = "id, name, target_version, mode, accept_risk, allow_downgrade, requested_by, at_time, cron, "
            + "time_zone, window_minutes, source, created_at, updated_at, last_window_at, last_outcome, last_outcome_at, last_upgrade_id";

    private final Jdbc jdbc;

    public ScheduleStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(String id, String name, ScheduleSpec spec, String source, Instant now) {
        execute("INSERT INTO upgrade_schedule (target_version, mode, accept_risk, allow_downgrade, requested_by, at_time, cron, "
                + "time_zone, window_minutes, source, updated_at, id, name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                specValues(spec, source, now, id, name, now));
    }

    /** Replaces the window of a default window from the settings; its outcome history stays. */
    public void update(String id, ScheduleSpec spec, String source, Instant now) {
        execute("UPDATE upgrade_schedule SET target_version = ?, mode = ?, accept_risk = ?, allow_downgrade = ?, requested_by = ?, "
                + "at_time = ?, cron = ?, time_zone = ?, window_minutes = ?, source = ?, updated_at = ? WHERE id = ?",
                specValues(spec, source, now, id));
    }

    public Optional<StoredSchedule> find(String id) {
        List<StoredSchedule> found = query("SELECT " + COLUMNS + " FROM upgrade_schedule WHERE id = ?", id);
        return found.stream().findFirst();
    }

    public List<StoredSchedule> list() {
        return query("SELECT " + COLUMNS + " FROM upgrade_schedule ORDER BY created_at, id");
    }

    public boolean delete(String id) {
        return execute("DELETE FROM upgrade_schedule WHERE id = ?", id) == 1;
    }

    /** Records what a window came to; a schedule deleted in the meantime is left deleted. */
    public void recordOutcome(String id, Instant windowAt, Outcome outcome, Instant now) {
        execute("UPDATE upgrade_schedule SET last_window_at = ?, last_outcome = ?, last_outcome_at = ?, last_upgrade_id = ? WHERE id = ?",
                windowAt, outcome.text(), now, outcome.upgradeId(), id);
    }

    private static Object[] specValues(ScheduleSpec spec, String source, Instant now, Object... tail) {
        List<Object> values = new ArrayList<>();
        values.add(spec.targetVersion());
        values.add(spec.mode() == null ? null : spec.mode().json());
        values.add(spec.acceptRisk());
        values.add(spec.allowDowngrade());
        values.add(spec.requestedBy());
        values.add(spec.at());
        values.add(spec.cron());
        values.add(spec.zone().getId());
        values.add(spec.windowMinutes());
        values.add(source);
        values.add(now);
        values.addAll(Arrays.asList(tail));
        return values.toArray();
    }

    private List<StoredSchedule> query(String sql, Object... parameters) {
        return jdbc.query(sql, ScheduleStore::row, parameters);
    }

    private static StoredSchedule row(ResultSet rs) throws SQLException {
        ScheduleSpec spec = new ScheduleSpec(rs.getString("target_version"), UpgradeMode.parse(rs.getString("mode")),
                rs.getBoolean("accept_risk"), rs.getBoolean("allow_downgrade"), rs.getString("requested_by"),
                instant(rs, "at_time"), rs.getString("cron"), ZoneId.of(rs.getString("time_zone")), rs.getInt("window_minutes"));
        return new StoredSchedule(rs.getString("id"), rs.getString("name"), spec, rs.getString("source"),
                instant(rs, "created_at"), instant(rs, "updated_at"), instant(rs, "last_window_at"),
                rs.getString("last_outcome"), instant(rs, "last_outcome_at"), rs.getString("last_upgrade_id"));
    }

    private int execute(String sql, Object... parameters) {
        return jdbc.update(sql, parameters);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return Jdbc.instant(rs, rs.findColumn(column));
    }
}
