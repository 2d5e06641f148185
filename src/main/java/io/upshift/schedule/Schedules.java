package io.upshift.schedule;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import io.upshift.RejectedException;
import io.upshift.intake.DocumentReader;
import io.upshift.upgrade.UpgradeRecord;
import io.upshift.upgrade.UpgradeRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Upgrade windows, as the routes use them (bean {@code schedules}): create, list, get and delete
 * schedules (stored rows + Quartz triggers), and open a window when Quartz fires one, recording
 * what came of it.
 */
public class Schedules {

    private static final Logger LOG = LoggerFactory.getLogger(Schedules.class);
    private static final int SHOWN_FIRE_TIMES = 3;

    private final ScheduleStore store;
    private final ScheduleValidator validator;
    private final Supplier<WindowScheduler> quartz;
    private final DocumentReader<ScheduleRequest> reader;
    private final Clock clock;

    public Schedules(ScheduleStore store, ScheduleValidator validator, Supplier<WindowScheduler> quartz,
            DocumentReader<ScheduleRequest> reader, Clock clock) {
        this.store = store;
        this.validator = validator;
        this.quartz = quartz;
        this.reader = reader;
        this.clock = clock;
    }

    /** A schedule from an HTTP body or inbox file ({@code json} or {@code yaml}). */
    public Schedule create(byte[] document, String format, String source) {
        return create(document, format, source, null);
    }

    /**
     * As above; {@code user} is the authenticated caller, who then stands as the schedule's
     * {@code requestedBy} whatever the body claims.
     */
    public Schedule create(byte[] document, String format, String source, String user) {
        ScheduleRequest r = reader.read(document, format);
        if (user != null && !user.isBlank()) {
            r = new ScheduleRequest(r.targetVersion(), r.mode(), r.acceptRisk(), user, r.allowDowngrade(), r.at(),
                    r.cron(), r.timeZone(), r.windowMinutes(), r.acceptWarnings());
        }
        return create(r, source);
    }

    public Schedule create(ScheduleRequest request, String source) {
        ScheduleSpec spec = validator.validate(request, true);
        String id = "sch-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = clock.instant();
        store.insert(id, null, spec, source, now);
        try {
            quartz.get().schedule(id, spec, now);
        } catch (RuntimeException e) {
            store.delete(id);
            throw e;
        }
        LOG.info("Schedule {} created from {}: {} {}", id, source, spec.targetVersion(), describe(spec));
        return get(id);
    }

    public List<Schedule> list() {
        return store.list().stream().map(this::view).toList();
    }

    public Schedule get(String id) {
        return view(stored(id));
    }

    public void delete(String id) {
        stored(id);
        quartz.get().unschedule(id);
        store.delete(id);
        LOG.info("Schedule {} deleted", id);
    }

    /**
     * Creates, updates or keeps the default windows from the settings (ids {@code window-<name>}), and
     * removes those no longer in the settings. An unchanged window keeps its trigger, so a window
     * missed while Upshift was down is still handled as a misfire.
     */
    public void applyDefaults(Map<String, ScheduleRequest> windows) {
        Instant now = clock.instant();
        for (Map.Entry<String, ScheduleRequest> window : windows.entrySet()) {
            String name = window.getKey();
            String id = "window-" + name;
            String source = "settings upshift.windows." + name;
            ScheduleRequest request = window.getValue();
            Optional<StoredSchedule> existing = store.find(id);
            ScheduleRequest withAuthor = new ScheduleRequest(request.targetVersion(), request.mode(), request.acceptRisk(),
                    request.requestedBy() != null ? request.requestedBy() : source, request.allowDowngrade(), request.at(),
                    request.cron(), request.timeZone(), request.windowMinutes(), request.acceptWarnings());
            ScheduleSpec spec;
            try {
                spec = validator.validate(withAuthor, false);
            } catch (RejectedException e) {
                if (e.status() == 422 && existing.isPresent()) {
                    // a one-off default window that has passed: keep its record
                    continue;
                }
                throw new IllegalStateException(source + ": " + e.getMessage(), e);
            }
            if (existing.isEmpty()) {
                store.insert(id, name, spec, source, now);
                quartz.get().schedule(id, spec, now);
                LOG.info("Default window {} created: {} {}", id, spec.targetVersion(), describe(spec));
            } else if (!existing.get().spec().equals(spec) || (spec.recurring() && !quartz.get().isScheduled(id))) {
                store.update(id, spec, source, now);
                quartz.get().schedule(id, spec, now);
                LOG.info("Default window {} updated: {} {}", id, spec.targetVersion(), describe(spec));
            }
        }
        Set<String> names = windows.keySet();
        for (StoredSchedule stored : store.list()) {
            if (stored.name() != null && !names.contains(stored.name())) {
                quartz.get().unschedule(stored.id());
                store.delete(stored.id());
                LOG.info("Default window {} removed: upshift.windows.{} is no longer set", stored.id(), stored.name());
            }
        }
    }

    /** The window a Quartz fire opens, judged by the application's clock; null when the schedule was deleted meanwhile. */
    public Window openWindow(String id, Instant scheduledFireTime) {
        return store.find(id).map(s -> Windows.of(id, s.spec(), scheduledFireTime, clock.instant())).orElse(null);
    }

    public UpgradeRequest upgradeRequest(Window window) {
        return stored(window.scheduleId()).spec().upgradeRequest(window.scheduleId(), window.opensAt());
    }

    public Outcome started(Window window, UpgradeRecord record) {
        return record(window, Outcome.started(record));
    }

    public Outcome refused(Window window, Exception failure) {
        return record(window, Outcome.refused(failure, stored(window.scheduleId()).spec().targetVersion()));
    }

    public Outcome missed(Window window) {
        return record(window, Outcome.missed());
    }

    private Outcome record(Window window, Outcome outcome) {
        store.recordOutcome(window.scheduleId(), window.opensAt(), outcome, clock.instant());
        return outcome;
    }

    private StoredSchedule stored(String id) {
        return store.find(id).orElseThrow(() -> new RejectedException(404, "unknown schedule",
                List.of("no schedule \"" + id + "\" (GET /api/schedules lists them)")));
    }

    private Schedule view(StoredSchedule stored) {
        return Schedule.of(stored, quartz.get().nextFireTimes(stored.id(), SHOWN_FIRE_TIMES));
    }

    private static String describe(ScheduleSpec spec) {
        return (spec.recurring() ? "cron \"" + spec.cron() + "\"" : "at " + spec.at()) + " in " + spec.zone()
                + ", windows of " + spec.windowMinutes() + " min";
    }
}
