package io.upshift.probe;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import io.upshift.kubernetes.ServiceProxy;
import io.upshift.upgrade.ServiceProgress;
import io.upshift.upgrade.UpgradeRecord;
import io.upshift.version.ProbeSpec;
import io.upshift.version.ServiceSpec;
import io.upshift.version.VersionConfig;
import io.upshift.version.VersionStore;

/**
 * Availability measured while upgrades run: for each running upgrade, each service whose version
 * config declares a {@code probe} gets a GET through the service proxy on every {@link #tick()}
 * (route {@code availability-probes}, every {@code upshift.probe.interval}), each bounded by
 * {@code upshift.probe.timeout}; a service whose previous request is still out is not asked again
 * until it answers or times out (so requests never pile up). The lifecycle {@link #start starts} an
 * upgrade's probes when it changes the cluster and {@link #stop stops} them when it ends.
 */
public class AvailabilityProbes {

    private final VersionStore versions;
    private final ServiceProxy proxy;
    private final Clock clock;
    private final Duration timeout;
    private final Map<String, List<Target>> runs = new ConcurrentHashMap<>();

    /** One probed service: where to ask, its count, and whether a request is out. */
    private record Target(String namespace, String service, ProbeSpec probe, ProbeCounter counter, AtomicBoolean out) {
    }

    public AvailabilityProbes(VersionStore versions, ServiceProxy proxy, Clock clock, Duration timeout) {
        this.versions = versions;
        this.proxy = proxy;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** Starts probing the upgrade's services (once; counts go on from those already in its record). */
    public void start(UpgradeRecord record) {
        runs.computeIfAbsent(record.id(), id -> targets(record));
    }

    /** Stops probing the upgrade: its services' figures, empty when none was probed. */
    public List<ServiceAvailability> stop(String upgradeId) {
        List<Target> targets = runs.remove(upgradeId);
        return targets == null ? List.of() : targets.stream().map(t -> t.counter().snapshot()).toList();
    }

    /** The figures so far, empty when the upgrade is not probed here. */
    public List<ServiceAvailability> current(String upgradeId) {
        List<Target> targets = runs.get(upgradeId);
        return targets == null ? List.of() : targets.stream().map(t -> t.counter().snapshot()).toList();
    }

    /** One round: a request to every probed service of every running upgrade that has none out. */
    public void tick() {
        for (List<Target> targets : runs.values()) {
            for (Target t : targets) {
                if (!t.out().compareAndSet(false, true)) {
                    continue;
                }
                long sentAt = clock.millis();
                proxy.get(t.namespace(), t.service(), t.probe().port(), t.probe().path(), timeout)
                        .whenComplete((answer, error) -> {
                            boolean ok = error == null && answer.status() < 400;
                            t.counter().record(ok, sentAt, clock.millis());
                            t.out().set(false);
                        });
            }
        }
    }

    private List<Target> targets(UpgradeRecord record) {
        VersionConfig target = versions.find(record.targetVersion()).orElse(null);
        List<Target> targets = new ArrayList<>();
        if (target == null) {
            return targets;
        }
        for (ServiceProgress s : record.services()) {
            ProbeSpec probe = target.service(s.name()).map(ServiceSpec::probe).orElse(null);
            if (probe != null) {
                ServiceAvailability before = record.availability().stream().filter(a -> a.service().equals(s.name()))
                        .findFirst().orElse(new ServiceAvailability(s.name(), 0, 0, 0));
                targets.add(new Target(s.namespace(), s.deployment(), probe, new ProbeCounter(before),
                        new AtomicBoolean()));
            }
        }
        return targets;
    }
}
