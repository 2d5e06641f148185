package io.upshift.lifecycle;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.upshift.upgrade.Phase;
import io.upshift.upgrade.ServiceProgress;
import io.upshift.upgrade.ServiceState;
import io.upshift.upgrade.UpgradeRecord;
import io.upshift.upgrade.UpgradeState;
import io.upshift.version.DependencyGraph;

/**
 * What each waiting service of an active upgrade waits for, derived from the record when it is
 * read (so progress events write no extra rows): {@code waiting for auth, data-service}, {@code
 * waiting for a free slot (parallelism 4)}, {@code waiting for the scale-down of web-console}.
 */
public final class Waits {

    private Waits() {
    }

    public static UpgradeRecord explain(UpgradeRecord r) {
        if (r.state().isFinal()) {
            return r;
        }
        DependencyGraph graph = r.graph();
        long running = r.services().stream().filter(s -> s.state() == ServiceState.RUNNING
                || s.state() == ServiceState.ROLLING_BACK).count();
        // by name once: a lookup per dependency in the list would make a read of a large record quadratic
        Map<String, ServiceProgress> byName = new HashMap<>();
        r.services().forEach(s -> byName.put(s.name(), s));
        return r.mapServices(s -> waiting(r, s) ? s.with(s.state(), why(r, byName, graph, s, running)) : s);
    }

    private static boolean waiting(UpgradeRecord r, ServiceProgress s) {
        return s.state() == ServiceState.PENDING
                || (s.state() == ServiceState.SCALED_DOWN && r.phase() == Phase.SCALE_UP && r.state() == UpgradeState.UPGRADING);
    }

    private static String why(UpgradeRecord r, Map<String, ServiceProgress> byName, DependencyGraph graph,
            ServiceProgress s, long running) {
        switch (r.state()) {
            case PENDING:
                return "waiting for the upgrade to start";
            case PRECHECKING:
                return "waiting for the prechecks";
            case UPGRADING:
                break;
            default:
                return "not started: the upgrade is " + r.state().name().toLowerCase().replace('_', ' ');
        }
        List<String> blockers;
        String what;
        if (r.phase() == Phase.SCALE_DOWN) {
            blockers = graph.dependents(s.name()).stream().filter(d -> byName.containsKey(d)
                    && !byName.get(d).state().isDone() && byName.get(d).state() != ServiceState.SCALED_DOWN).toList();
            what = "waiting for the scale-down of ";
        } else {
            blockers = graph.dependsOn(s.name()).stream().filter(d -> byName.containsKey(d)
                    && !byName.get(d).state().isDone()).toList();
            what = "waiting for ";
        }
        if (!blockers.isEmpty()) {
            return what + String.join(", ", blockers);
        }
        return running >= r.parallelism() ? "waiting for a free slot (parallelism " + r.parallelism() + ")"
                : "starting";
    }
}
