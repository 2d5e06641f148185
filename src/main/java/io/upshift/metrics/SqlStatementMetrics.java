package io.upshift.metrics;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import net.ttddyy.dsproxy.ExecutionInfo;
import net.ttddyy.dsproxy.QueryInfo;
import net.ttddyy.dsproxy.listener.QueryExecutionListener;

/**
 * Counts the SQL statements the application's database runs (a datasource-proxy listener on the
 * pool), by statement ({@code select}, {@code insert}, {@code update}, {@code delete}, …) and the
 * table it names first: {@code upshift_db_statements_total{statement,table}} and
 * {@code upshift_db_rows_total{statement,table}} (a JDBC batch is one statement of several parameter
 * rows). What it is for: a per-event cost that grows with the size of an upgrade shows up as a
 * count, whatever the machine's load (issue 18's regression guards read {@link #counts}).
 */
public class SqlStatementMetrics implements QueryExecutionListener {

    private static final Pattern KEYWORD = Pattern.compile("^\\s*(\\w+)");
    private static final Pattern TABLE = Pattern.compile(
            "\\b(?:FROM|INTO|UPDATE|TABLE)\\s+\"?([A-Za-z_][\\w.]*)", Pattern.CASE_INSENSITIVE);
    /** Statements are a fixed set of strings in the code; a bound keeps a surprise from growing the cache. */
    private static final int MAX_CACHED = 2_000;

    /** What a statement is: its first keyword and first table, lower case. */
    public record Kind(String statement, String table) implements Comparable<Kind> {

        static Kind of(String sql) {
            Matcher keyword = KEYWORD.matcher(sql);
            Matcher table = TABLE.matcher(sql);
            return new Kind(keyword.find() ? keyword.group(1).toLowerCase(Locale.ROOT) : "other",
                    table.find() ? table.group(1).toLowerCase(Locale.ROOT) : "none");
        }

        @Override
        public int compareTo(Kind o) {
            int c = table.compareTo(o.table);
            return c != 0 ? c : statement.compareTo(o.statement);
        }

        @Override
        public String toString() {
            return statement + " " + table;
        }
    }

    /** Statements run and parameter rows they carried. */
    public record Count(long statements, long rows) {

        public Count minus(Count earlier) {
            return earlier == null ? this : new Count(statements - earlier.statements, rows - earlier.rows);
        }
    }

    private final Map<String, Kind> kinds = new ConcurrentHashMap<>();
    private final Map<Kind, Counters> counters = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;

    /** From now on (and for what was counted so far) the counts are meters of {@code meters}. */
    public synchronized void bindTo(MeterRegistry meters) {
        this.registry = meters;
        counters.forEach((kind, c) -> register(meters, kind, c));
    }

    @Override
    public void beforeQuery(ExecutionInfo execution, List<QueryInfo> queries) {
        // counted once run
    }

    @Override
    public void afterQuery(ExecutionInfo execution, List<QueryInfo> queries) {
        for (QueryInfo query : queries) {
            Counters c = counters(kind(query.getQuery()));
            c.statements.increment();
            c.rows.add(execution.isBatch() ? Math.max(1, query.getParametersList().size()) : 1);
        }
    }

    /** Every kind of statement run so far, with its count (sorted by table, then statement). */
    public Map<Kind, Count> counts() {
        Map<Kind, Count> snapshot = new TreeMap<>();
        counters.forEach((kind, c) -> snapshot.put(kind, new Count(c.statements.sum(), c.rows.sum())));
        return snapshot;
    }

    /** What ran between two snapshots of {@link #counts}, kinds that ran nothing left out. */
    public static Map<Kind, Count> since(Map<Kind, Count> before, Map<Kind, Count> after) {
        Map<Kind, Count> delta = new TreeMap<>();
        after.forEach((kind, count) -> {
            Count d = count.minus(before.get(kind));
            if (d.statements() > 0) {
                delta.put(kind, d);
            }
        });
        return delta;
    }

    private Kind kind(String sql) {
        Kind kind = kinds.get(sql);
        if (kind == null) {
            kind = Kind.of(sql);
            if (kinds.size() < MAX_CACHED) {
                kinds.put(sql, kind);
            }
        }
        return kind;
    }

    private Counters counters(Kind kind) {
        Counters c = counters.get(kind);
        if (c != null) {
            return c;
        }
        synchronized (this) {
            return counters.computeIfAbsent(kind, k -> {
                Counters made = new Counters();
                if (registry != null) {
                    register(registry, k, made);
                }
                return made;
            });
        }
    }

    private static void register(MeterRegistry meters, Kind kind, Counters c) {
        FunctionCounter.builder("upshift.db.statements", c.statements, LongAdder::sum)
                .description("SQL statements run, by statement and first table named")
                .tags("statement", kind.statement(), "table", kind.table()).register(meters);
        FunctionCounter.builder("upshift.db.rows", c.rows, LongAdder::sum)
                .description("Parameter rows of the SQL statements run (a batch carries several)")
                .tags("statement", kind.statement(), "table", kind.table()).register(meters);
    }

    private static final class Counters {
        private final LongAdder statements = new LongAdder();
        private final LongAdder rows = new LongAdder();
    }
}
