package io.upshift.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.upshift.store.Jdbc;
import io.upshift.store.RecordChanges;
import io.upshift.upgrade.ServiceProgress;
import io.upshift.upgrade.UpgradeRecord;

/**
 * Upshift's own metrics on {@code /observe/metrics} (Camel's Prometheus registry, bean
 * {@code metricsRegistry}). The upgrade metrics are read off each stored change of a record
 * (counted once it is committed), so they follow the lifecycle without a hook in it:
 * {@code upshift_upgrades_total{outcome,mode,trigger}}, {@code upshift_upgrade_duration_seconds},
 * {@code upshift_service_step_duration_seconds{mode}} (a service's pass, by upgrade mode),
 * {@code upshift_dependency_reaction_seconds} (its last dependency finished → it started), and the
 * gauge {@code upshift_upgrade_in_progress} (the platform lock held). The others count what their
 * owners report: {@link #notification}, {@link #failedLogin}, {@link #droppedFollower}, {@link KubernetesRequestMetrics}.
 */
public class UpgradeMetrics implements RecordChanges {

    private static final Duration[] UPGRADE_BUCKETS = durations("30s", "1m", "2m", "5m", "10m", "30m", "1h", "2h", "4h", "8h");
    private static final Duration[] STEP_BUCKETS = durations("1s", "5s", "10s", "30s", "1m", "2m", "5m", "10m", "30m", "1h");
    private static final Duration[] REACTION_BUCKETS = durations("10ms", "50ms", "100ms", "250ms", "500ms", "1s", "2500ms",
            "5s", "10s", "30s");

    private final MeterRegistry registry;

    public UpgradeMetrics(MeterRegistry registry, BooleanSupplier inProgress) {
        this.registry = registry;
        Gauge.builder("upshift.upgrade.in.progress", () -> inProgress.getAsBoolean() ? 1 : 0)
                .description("1 while an upgrade holds the platform lock").register(registry);
        Counter.builder("upshift.logins.failed").description("Failed logins (password or API token)").register(registry);
    }

    @Override
    public Runnable stored(Jdbc tx, UpgradeRecord before, UpgradeRecord after) {
        return before == null ? () -> { } : () -> observe(before, after);
    }

    void observe(UpgradeRecord before, UpgradeRecord after) {
        String mode = label(after.mode());
        if (before.state() != after.state() && after.state().isFinal()) {
            Counter.builder("upshift.upgrades").description("Upgrades ended, by outcome (final state), mode and trigger")
                    .tag("outcome", label(after.state())).tag("mode", mode).tag("trigger", String.valueOf(after.trigger()))
                    .register(registry).increment();
            Instant from = after.startedAt() != null ? after.startedAt() : after.createdAt();
            if (after.finishedAt() != null && from != null) {
                timer("upshift.upgrade.duration", "Upgrades from start to end", UPGRADE_BUCKETS)
                        .record(Duration.between(from, after.finishedAt()));
            }
        }
        for (ServiceProgress s : after.services()) {
            ServiceProgress was = before.service(s.name()).orElse(null);
            List<ServiceProgress.Pass> earlier = was == null ? List.of() : was.phases();
            for (int i = 0; i < s.phases().size(); i++) {
                ServiceProgress.Pass pass = s.phases().get(i);
                ServiceProgress.Pass old = i < earlier.size() ? earlier.get(i) : null;
                if (pass.finishedAt() != null && (old == null || old.finishedAt() == null)) {
                    Timer.builder("upshift.service.step.duration").description("A service's pass (roll, scale, rollback)")
                            .tag("mode", mode).serviceLevelObjectives(STEP_BUCKETS).register(registry)
                            .record(Duration.between(pass.startedAt(), pass.finishedAt()));
                }
                if (old == null) {
                    reaction(after, s, pass);
                }
            }
        }
    }

    /** A pass started: how long after the last of its dependencies' same passes finished. */
    private void reaction(UpgradeRecord record, ServiceProgress service, ServiceProgress.Pass pass) {
        List<Instant> finished = new ArrayList<>();
        for (String dependency : service.dependsOn()) {
            record.service(dependency).flatMap(d -> d.phases().stream()
                    .filter(p -> p.kind() == pass.kind() && p.finishedAt() != null)
                    .map(ServiceProgress.Pass::finishedAt).max(Instant::compareTo)).ifPresent(finished::add);
        }
        finished.stream().filter(Objects::nonNull).max(Instant::compareTo)
                .filter(last -> !pass.startedAt().isBefore(last))
                .ifPresent(last -> timer("upshift.dependency.reaction",
                        "From a service's last dependency finishing to its own start", REACTION_BUCKETS)
                        .record(Duration.between(last, pass.startedAt())));
    }

    /** One attempt to deliver a notification: delivered, retry (it failed, tried again later) or failed (given up). */
    public void notification(String receiver, String result) {
        Counter.builder("upshift.notifications").description("Notification delivery attempts by receiver and result")
                .tag("receiver", receiver).tag("result", result).register(registry).increment();
    }

    public void failedLogin() {
        registry.counter("upshift.logins.failed").increment();
    }

    /** The event streams' followers on this replica (gauge), and those dropped for reading too slowly (counter). */
    public void eventFollowers(java.util.function.IntSupplier followers) {
        Gauge.builder("upshift.event.followers", followers::getAsInt)
                .description("Followers of upgrades' event streams on this replica").register(registry);
        Counter.builder("upshift.event.followers.dropped")
                .description("Event stream followers dropped for reading too slowly").register(registry);
    }

    public void droppedFollower() {
        registry.counter("upshift.event.followers.dropped").increment();
    }

    private Timer timer(String name, String description, Duration[] buckets) {
        return Timer.builder(name).description(description).serviceLevelObjectives(buckets).register(registry);
    }

    private static String label(Enum<?> value) {
        return value == null ? "unknown" : value.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static Duration[] durations(String... texts) {
        return java.util.Arrays.stream(texts).map(io.upshift.kubernetes.Durations::parse).toArray(Duration[]::new);
    }
}
