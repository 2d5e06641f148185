package io.upshift.schedule;

import java.text.ParseException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.RejectedException;
import io.upshift.intake.Problem;
import io.upshift.upgrade.UpgradeMode;
import io.upshift.version.Version;
import org.quartz.CronExpression;

/**
 * Checks an upgrade window before it is stored. Every form problem is reported at once as
 * {@code 400 invalid schedule} (bad cron, unknown time zone, unaccepted risk…), together with the
 * schema's when the window arrives as a document ({@link #check}); a well-formed window
 * that can never open is {@code 422 window in the past}; a target version never imported is
 * {@code 404 unknown version}.
 */
public class ScheduleValidator {

    /** How many of a cron's next windows are checked for the minimum interval. */
    private static final int CHECKED_FIRINGS = 20;

    private final Clock clock;
    private final Predicate<String> knownVersion;
    private final java.time.Duration minInterval;

    public ScheduleValidator(Clock clock, Predicate<String> knownVersion) {
        this(clock, knownVersion, java.time.Duration.ZERO);
    }

    /** @param minInterval the least time between two windows of one cron schedule (upshift.schedule.min-interval) */
    public ScheduleValidator(Clock clock, Predicate<String> knownVersion, java.time.Duration minInterval) {
        this.clock = clock;
        this.knownVersion = knownVersion;
        this.minInterval = minInterval;
    }

    /**
     * @param checkVersion false for default windows from the settings, whose version may be imported
     *                     after start-up (an unknown version then fails the window, not the start)
     */
    public ScheduleSpec validate(ScheduleRequest request, boolean checkVersion) {
        Form form = form(request, true);
        if (!form.problems().isEmpty()) {
            throw new RejectedException(400, "invalid schedule", form.problems().stream().map(Problem::text).toList());
        }
        ScheduleSpec spec = new ScheduleSpec(Version.parse(form.version()).text(), form.mode(), true,
                Boolean.TRUE.equals(request.allowDowngrade()), request.requestedBy(), form.at(), form.cron(), form.zone(),
                form.windowMinutes(), Boolean.TRUE.equals(request.acceptWarnings()));
        Instant now = clock.instant();
        if (form.at() != null && !form.at().isAfter(now)) {
            throw new RejectedException(422, "window in the past",
                    List.of("at: " + request.at() + " has passed (it is now " + now + ")"));
        }
        if (form.cron() != null && Windows.cron(spec).getNextValidTimeAfter(Date.from(now)) == null) {
            throw new RejectedException(422, "window in the past",
                    List.of("cron: \"" + form.cron() + "\" never fires after " + now));
        }
        if (form.cron() != null) {
            java.time.Duration shortest = shortestGap(Windows.cron(spec), now);
            if (shortest.compareTo(minInterval) < 0) {
                throw new RejectedException(422, "windows too frequent", List.of("cron: \"" + form.cron() + "\" opens windows "
                        + shortest.toSeconds() + " s apart; they must be at least " + minInterval.toSeconds()
                        + " s apart (upshift.schedule.min-interval)"));
            }
        }
        if (checkVersion && !knownVersion.test(spec.targetVersion())) {
            throw new RejectedException(404, "unknown version",
                    List.of("targetVersion: no version configuration \"" + spec.targetVersion() + "\" has been imported"));
        }
        return spec;
    }

    /** The shortest time between the cron's next windows. */
    private static java.time.Duration shortestGap(org.quartz.CronExpression cron, Instant now) {
        java.time.Duration shortest = java.time.Duration.ofDays(366 * 100L);
        Date previous = cron.getNextValidTimeAfter(Date.from(now));
        for (int i = 0; i < CHECKED_FIRINGS && previous != null; i++) {
            Date next = cron.getNextValidTimeAfter(previous);
            if (next != null) {
                java.time.Duration gap = java.time.Duration.between(previous.toInstant(), next.toInstant());
                shortest = gap.compareTo(shortest) < 0 ? gap : shortest;
            }
            previous = next;
        }
        return shortest;
    }

    /**
     * The form rules as a document's rules ({@link ScheduleRequest#DOCUMENT}): checked on the fields
     * the schema found sound, so that a schedule's wrong types and wrong values are refused together.
     */
    static List<Problem> check(JsonNode root, Predicate<List<Object>> sound) {
        ScheduleRequest request = new ScheduleRequest(text(root, "targetVersion", sound), text(root, "mode", sound),
                flag(root, "acceptRisk", sound), text(root, "requestedBy", sound), flag(root, "allowDowngrade", sound),
                text(root, "at", sound), text(root, "cron", sound), text(root, "timeZone", sound),
                sound.test(Problem.path("windowMinutes")) && root.path("windowMinutes").canConvertToInt()
                        ? root.path("windowMinutes").asInt() : null,
                flag(root, "acceptWarnings", sound));
        // a field the schema refused is reported once, by the schema, and not again as missing
        boolean timing = sound.test(Problem.path("at")) && sound.test(Problem.path("cron"));
        return form(request, timing).problems().stream().filter(p -> sound.test(p.path())).toList();
    }

    private static String text(JsonNode root, String field, Predicate<List<Object>> sound) {
        JsonNode value = root.path(field);
        return value.isTextual() && sound.test(Problem.path(field)) ? value.asText() : null;
    }

    private static Boolean flag(JsonNode root, String field, Predicate<List<Object>> sound) {
        JsonNode value = root.path(field);
        return value.isBoolean() && sound.test(Problem.path(field)) ? value.asBoolean() : null;
    }

    /** A request's form: every problem found, and the values read from it. */
    private record Form(List<Problem> problems, String version, UpgradeMode mode, int windowMinutes, ZoneId zone,
            Instant at, String cron) {
    }

    /** @param timing false when at or cron could not be read: whether the window is one-off or recurring is unknown */
    private static Form form(ScheduleRequest request, boolean timing) {
        List<Problem> problems = new ArrayList<>();
        String version = request.targetVersion() == null ? null : request.targetVersion().trim();
        if (version == null || version.isEmpty()) {
            problems.add(problem("targetVersion", "missing"));
        } else if (!Version.isValid(version)) {
            problems.add(problem("targetVersion", "\"" + version + "\" is not a version of four numeric segments such as 5.1.2.04"));
        }
        UpgradeMode mode = null;
        try {
            mode = UpgradeMode.parse(request.mode());
        } catch (IllegalArgumentException e) {
            problems.add(problem("mode", e.getMessage()));
        }
        if (!Boolean.TRUE.equals(request.acceptRisk())) {
            problems.add(problem("acceptRisk", "the risk disclaimer must be accepted (\"acceptRisk\": true) for an unattended upgrade"));
        }
        int windowMinutes = request.windowMinutes() == null ? ScheduleSpec.DEFAULT_WINDOW_MINUTES : request.windowMinutes();
        if (windowMinutes < 1) {
            problems.add(problem("windowMinutes", "must be at least 1, was " + windowMinutes));
        }
        ZoneId zone = null;
        if (request.timeZone() != null) {
            try {
                zone = ZoneId.of(request.timeZone().trim());
            } catch (DateTimeException e) {
                problems.add(problem("timeZone", "unknown time zone \"" + request.timeZone()
                        + "\" (use a region such as Asia/Shanghai or an offset such as +08:00)"));
            }
        }
        if (!timing) {
            return new Form(List.copyOf(problems), version, mode, windowMinutes, zone, null, null);
        }
        boolean hasAt = request.at() != null && !request.at().isBlank();
        boolean hasCron = request.cron() != null && !request.cron().isBlank();
        Instant at = null;
        String cron = null;
        if (hasAt == hasCron) {
            problems.add(hasAt ? problem("cron", "give either at (one window) or cron (recurring windows), not both")
                    : problem("at", "missing, and so is cron (one window at a time, or recurring windows by cron expression)"));
        } else if (hasAt) {
            try {
                OffsetDateTime parsed = OffsetDateTime.parse(request.at().trim());
                at = parsed.toInstant();
                if (zone == null) {
                    zone = parsed.getOffset();
                }
            } catch (DateTimeParseException withoutOffset) {
                at = localAt(request.at().trim(), zone, request.timeZone() != null, problems);
            }
        } else {
            cron = request.cron().trim();
            try {
                CronExpression.validateExpression(cron);
            } catch (ParseException e) {
                problems.add(problem("cron", "\"" + cron + "\" is not a Quartz cron expression (seconds minutes hours day-of-month"
                        + " month day-of-week [year], e.g. \"0 0 2 ? * SUN\"): " + e.getMessage()));
            }
            if (request.timeZone() == null) {
                problems.add(problem("timeZone", "missing (a cron window needs the zone its hours are read in, e.g. Asia/Shanghai)"));
            }
        }
        return new Form(List.copyOf(problems), version, mode, windowMinutes, zone, at, cron);
    }

    private static Problem problem(String field, String message) {
        return new Problem(Problem.path(field), message);
    }

    /** An {@code at} without offset is read in the given time zone. */
    private static Instant localAt(String text, ZoneId zone, boolean zoneGiven, List<Problem> problems) {
        try {
            LocalDateTime local = LocalDateTime.parse(text);
            if (zone == null) {
                if (!zoneGiven) {
                    problems.add(problem("at", "\"" + text + "\" has no offset: write it as 2026-12-01T02:00:00+08:00 or give a timeZone"));
                }
                return null;
            }
            return local.atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            problems.add(problem("at", "\"" + text + "\" is not a date and time such as 2026-12-01T02:00:00+08:00"));
            return null;
        }
    }
}
