package io.upshift.store;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/** The upgrade logs: numbered, timestamped lines per upgrade, which a client follows with {@code ?after=N}. */
public class UpgradeLog {

    private final Jdbc jdbc;
    private final Clock clock;
    private final Map<String, AtomicInteger> lastLines = new ConcurrentHashMap<>();
    private final BiConsumer<String, Line> appended;

    public UpgradeLog(Jdbc jdbc, Clock clock) {
        this(jdbc, clock, (id, line) -> { });
    }

    /** {@code appended} hears of each line once it is stored, in the order of the lines (the event journal). */
    public UpgradeLog(Jdbc jdbc, Clock clock, BiConsumer<String, Line> appended) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.appended = appended;
    }

    /** Appends one timestamped line to an upgrade's log; returns its number (from 1). */
    public int append(String id, String message) {
        AtomicInteger counter = lastLines.computeIfAbsent(id, k -> new AtomicInteger(jdbc.one(
                "SELECT MAX(line_no) FROM upgrade_log WHERE upgrade_id = ?", row -> row.getInt(1), k).orElse(0)));
        synchronized (counter) {
            int line = counter.incrementAndGet();
            Instant at = clock.instant().truncatedTo(ChronoUnit.MICROS); // as the database keeps it: the stream's line = GET …/logs

            jdbc.update("INSERT INTO upgrade_log (upgrade_id, line_no, logged_at, message) VALUES (?, ?, ?, ?)",
                    id, line, at, message);
            appended.accept(id, new Line(line, at, message));
            return line;
        }
    }

    /** The log lines after line {@code after}. */
    public List<Line> after(String id, int after) {
        return jdbc.query("SELECT line_no, logged_at, message FROM upgrade_log WHERE upgrade_id = ? AND line_no > ?"
                + " ORDER BY line_no", row -> new Line(row.getInt(1), Jdbc.instant(row, 2), row.getString(3)),
                id, Math.max(0, after));
    }

    /** The log as text, one line per event: {@code <n> <timestamp> <message>}. */
    public String text(String id, int after) {
        StringBuilder text = new StringBuilder();
        for (Line line : after(id, after)) {
            text.append(line.line()).append(' ').append(line.at()).append(' ').append(line.message()).append('\n');
        }
        return text.toString();
    }

    /** One line of an upgrade's log. */
    public record Line(int line, Instant at, String message) {
    }
}
