package io.upshift.schedule;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Default windows from the settings, for installs managed by configuration files:
 * {@code upshift.windows.<name>.cron}, {@code .time-zone}, {@code .target-version}, {@code .mode},
 * {@code .window-minutes}, {@code .accept-risk} (and {@code .at} for a one-off window).
 */
public final class DefaultWindows {

    public static final String PREFIX = "upshift.windows.";
    private static final List<String> KEYS = List.of("cron", "at", "time-zone", "target-version", "mode", "window-minutes", "accept-risk", "accept-warnings");

    private DefaultWindows() {
    }

    /** The windows by name, from the settings whose keys start with {@link #PREFIX}. */
    public static Map<String, ScheduleRequest> from(Properties settings) {
        Map<String, Map<String, String>> byName = new TreeMap<>();
        for (String key : settings.stringPropertyNames()) {
            if (!key.startsWith(PREFIX)) {
                continue;
            }
            String rest = key.substring(PREFIX.length());
            int dot = rest.lastIndexOf('.');
            String field = dot < 0 ? "" : rest.substring(dot + 1);
            if (dot <= 0 || !KEYS.contains(field)) {
                throw new IllegalStateException("unknown setting " + key + ": expected " + PREFIX + "<name>.<" + String.join("|", KEYS) + ">");
            }
            byName.computeIfAbsent(rest.substring(0, dot), n -> new LinkedHashMap<>()).put(field, settings.getProperty(key).trim());
        }
        Map<String, ScheduleRequest> windows = new LinkedHashMap<>();
        byName.forEach((name, f) -> windows.put(name, new ScheduleRequest(f.get("target-version"), f.get("mode"),
                f.containsKey("accept-risk") ? Boolean.valueOf(f.get("accept-risk")) : null, null, null, f.get("at"),
                f.get("cron"), f.get("time-zone"), minutes(name, f.get("window-minutes")),
                f.containsKey("accept-warnings") ? Boolean.valueOf(f.get("accept-warnings")) : null)));
        return windows;
    }

    private static Integer minutes(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(PREFIX + name + ".window-minutes: \"" + value + "\" is not a number of minutes");
        }
    }
}
