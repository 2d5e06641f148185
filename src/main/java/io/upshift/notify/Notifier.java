package io.upshift.notify;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import io.upshift.schedule.Outcome;
import io.upshift.store.Jdbc;
import io.upshift.store.RecordChanges;
import io.upshift.upgrade.UpgradeRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes Upshift's events to the outbox (bean {@code notifier}): an upgrade's, inside the
 * transaction that stores its record ({@link RecordChanges}); a schedule window's outcome, from
 * route {@code open-window}. Once committed, each receiver with something new is woken (its
 * delivery route, {@code seda:notify-<name>}); a wake-up that cannot be queued is harmless, the
 * one already queued delivers everything pending. Nothing here can fail or hold the upgrade.
 */
public class Notifier implements RecordChanges {

    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);

    private final Outbox outbox;
    private final Jdbc jdbc;
    private final List<Receiver> receivers;
    private final Clock clock;
    private Consumer<String> wake = name -> { };

    public Notifier(Outbox outbox, Jdbc jdbc, List<Receiver> receivers, Clock clock) {
        this.outbox = outbox;
        this.jdbc = jdbc;
        this.receivers = List.copyOf(receivers);
        this.clock = clock;
    }

    /** Wired once Camel's producers exist: wakes a receiver's delivery route. */
    public void connect(Consumer<String> wakeUp) {
        this.wake = wakeUp;
    }

    public List<Receiver> receivers() {
        return receivers;
    }

    @Override
    public Runnable stored(Jdbc tx, UpgradeRecord before, UpgradeRecord after) {
        if (receivers.isEmpty()) {
            return () -> { };
        }
        Set<String> woken = outbox.add(tx, UpgradeEvents.between(before, after, clock.instant()), receivers);
        return () -> wake(woken);
    }

    /** A schedule's window came to {@code outcome}: a skip, a miss or a refusal is news; a start is the upgrade's. */
    public void window(String scheduleId, Outcome outcome) {
        if (outcome == null || receivers.isEmpty()) {
            return;
        }
        EventType type = outcome.text().startsWith("SKIPPED") ? EventType.SCHEDULE_SKIPPED
                : Outcome.MISSED.equals(outcome.text()) ? EventType.SCHEDULE_MISSED
                : outcome.text().startsWith("FAILED") ? EventType.SCHEDULE_FAILED : null;
        if (type == null) {
            return;
        }
        Event event = new Event(type, clock.instant(), null, scheduleId, null, null, null, null, "schedule", null,
                outcome.text());
        wake(jdbc.inTransaction(tx -> outbox.add(tx, List.of(event), receivers)));
    }

    /** At start: every receiver's route looks for what a previous process left pending. */
    public void wakeAll() {
        wake(receivers.stream().map(Receiver::name).toList());
    }

    private void wake(java.util.Collection<String> names) {
        for (String name : names) {
            try {
                wake.accept(name);
            } catch (RuntimeException e) {
                LOG.warn("Could not wake the notifications of {}: {} (they go out at its next wake-up)", name, e.getMessage());
            }
        }
    }
}
