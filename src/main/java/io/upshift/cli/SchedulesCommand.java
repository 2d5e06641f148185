package io.upshift.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code upshift schedules list|show|create|delete}: upgrade windows. */
@Command(name = "schedules", description = "Upgrade windows: list, show, create, delete.")
class SchedulesCommand {

    @ParentCommand
    UpshiftCli cli;

    /** One window at a time, or recurring windows by cron. */
    static class When {
        @Option(names = "--at", required = true, description = "one window opening at, e.g. 2026-12-06T02:00:00+08:00")
        String at;

        @Option(names = "--cron", required = true, description = "Quartz cron of recurring windows, e.g. '0 0 2 ? * SUN'")
        String cron;
    }

    @Command(name = "list", description = "Upgrade windows with their next window and last outcome.")
    int list(@Option(names = {"-o", "--output"}, defaultValue = "table") UpshiftCli.Format format) throws Exception {
        JsonNode schedules = cli.api().getJson("/api/schedules");
        if (format == UpshiftCli.Format.json) {
            cli.print(schedules);
            return Outcome.OK;
        }
        Table table = new Table("ID", "TARGET", "WHEN", "ZONE", "MINUTES", "NEXT", "LAST OUTCOME");
        schedules.forEach(s -> table.row(Table.text(s, "id"), Table.text(s, "targetVersion"),
                s.hasNonNull("cron") ? Table.text(s, "cron") : Table.text(s, "at"), Table.text(s, "timeZone"),
                s.path("windowMinutes").asInt(), Table.text(s, "nextFireTime"), Table.text(s, "lastOutcome")));
        table.print(cli.out);
        return Outcome.OK;
    }

    @Command(name = "show", description = "One upgrade window (JSON).")
    int show(@Parameters(paramLabel = "ID") String id) throws Exception {
        cli.print(cli.api().getJson("/api/schedules/" + Paths.segment(id)));
        return Outcome.OK;
    }

    @Command(name = "create", description = "Plan an upgrade for a window.")
    int create(@Option(names = "--to", required = true, paramLabel = "VERSION") String target,
            @ArgGroup(exclusive = true, multiplicity = "1") When when,
            @Option(names = "--time-zone", description = "zone of the cron or the at time (default: UTC)") String zone,
            @Option(names = "--window-minutes", description = "how long the window stays open") Integer minutes,
            @Option(names = "--mode", description = "zero-downtime or downtime") String mode,
            @Option(names = "--accept-risk", description = "accept the risk disclaimer (required by the server)") boolean acceptRisk,
            @Option(names = "--accept-warnings", description = "each window goes on past pre-check warnings") boolean acceptWarnings,
            @Option(names = {"-o", "--output"}, defaultValue = "table") UpshiftCli.Format format) throws Exception {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("targetVersion", target);
        request.put("acceptRisk", acceptRisk);
        request.put(when.at != null ? "at" : "cron", when.at != null ? when.at : when.cron);
        putIfSet(request, "timeZone", zone);
        putIfSet(request, "windowMinutes", minutes);
        putIfSet(request, "mode", mode);
        if (acceptWarnings) {
            request.put("acceptWarnings", true);
        }
        JsonNode schedule = cli.api().postJson("/api/schedules", request);
        if (format == UpshiftCli.Format.json) {
            cli.print(schedule);
        } else {
            cli.out.println("schedule " + Table.text(schedule, "id") + ": " + target + ", next window "
                    + Table.text(schedule, "nextFireTime"));
        }
        return Outcome.OK;
    }

    @Command(name = "delete", description = "Delete an upgrade window.")
    int delete(@Parameters(paramLabel = "ID") String id) throws Exception {
        cli.api().delete("/api/schedules/" + Paths.segment(id));
        cli.out.println("schedule " + id + " deleted");
        return Outcome.OK;
    }

    private static void putIfSet(Map<String, Object> request, String key, Object value) {
        if (value != null) {
            request.put(key, value);
        }
    }
}
