package io.upshift.schedule;

import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.TimeZone;

import org.quartz.CronExpression;

/**
 * Which window a Quartz fire belongs to. On time, the scheduled fire time is the window's opening.
 * A late fire (Quartz's misfire instructions fire a missed window once, as soon as Upshift is back)
 * belongs to the latest opening before it, and starts the upgrade late only while that window is
 * still open by the application's clock; otherwise the window is missed.
 */
public final class Windows {

    private Windows() {
    }

    public static Window of(String scheduleId, ScheduleSpec spec, Instant scheduledFire, Instant now) {
        Instant opensAt = spec.recurring() ? latestOpening(spec, scheduledFire) : spec.at();
        if (opensAt == null) {
            return new Window(scheduleId, null, null, true);
        }
        Instant endsAt = opensAt.plus(spec.window());
        return new Window(scheduleId, opensAt, endsAt, !now.isBefore(endsAt));
    }

    /** The last opening of a cron window at or before {@code t}, if its window would still contain {@code t}. */
    static Instant latestOpening(ScheduleSpec spec, Instant t) {
        CronExpression cron = cron(spec);
        Date candidate = Date.from(t.minus(spec.window()));
        Instant latest = null;
        // bounded: openings inside one window length (a per-second cron over a long window is the worst case)
        for (int i = 0; i < 100_000; i++) {
            Date next = cron.getNextValidTimeAfter(candidate);
            if (next == null || next.toInstant().isAfter(t)) {
                break;
            }
            latest = next.toInstant();
            candidate = next;
        }
        return latest;
    }

    static CronExpression cron(ScheduleSpec spec) {
        try {
            CronExpression cron = new CronExpression(spec.cron());
            cron.setTimeZone(TimeZone.getTimeZone(spec.zone()));
            return cron;
        } catch (ParseException e) {
            throw new IllegalArgumentException("stored cron expression \"" + spec.cron() + "\" is invalid: " + e.getMessage(), e);
        }
    }
}
