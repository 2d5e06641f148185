package io.upshift.schedule;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The default windows of the settings ({@link DefaultWindows}), read at start (a wrong setting stops
 * the start) and applied by the leader when it takes the lead (route {@code apply-default-windows}).
 */
public record DefaultWindowSet(Map<String, ScheduleRequest> windows, Supplier<Schedules> schedules) {

    public DefaultWindowSet {
        windows = Map.copyOf(windows);
    }

    /** Creates, updates or leaves each window (see {@link Schedules#applyDefaults}). */
    public void apply() {
        schedules.get().applyDefaults(windows);
    }
}
