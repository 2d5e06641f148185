package io.upshift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code upshift upgrades list|show ID|logs ID [--follow]}: the Upgrade Record. */
@Command(name = "upgrades", description = "The Upgrade Record: list, show, logs.")
class UpgradesCommand {

    @ParentCommand
    UpshiftCli cli;

    @Command(name = "list", description = "Upgrades, newest first.")
    int list(@Option(names = "--page", defaultValue = "1") int page, @Option(names = "--size", defaultValue = "20") int size,
            @Option(names = {"-o", "--output"}, defaultValue = "table") UpshiftCli.Format format) throws Exception {
        JsonNode upgrades = cli.api().getJson("/api/upgrades?page=" + page + "&size=" + size);
        if (format == UpshiftCli.Format.json) {
            cli.print(upgrades);
            return Outcome.OK;
        }
        Table table = new Table("ID", "STATE", "FROM", "TO", "MODE", "PROGRESS", "BY", "CREATED");
        upgrades.forEach(u -> table.row(Table.text(u, "id"), Table.text(u, "state"), Table.text(u, "fromVersion"),
                Table.text(u, "targetVersion"), Table.text(u, "mode"), u.path("progress").path("percent").asInt() + "%",
                Table.text(u, "requestedBy"), Table.text(u, "createdAt")));
        table.print(cli.out);
        return Outcome.OK;
    }

    @Command(name = "show", description = "One upgrade: progress and each service's state.")
    int show(@Parameters(paramLabel = "ID") String id,
            @Option(names = {"-o", "--output"}, defaultValue = "table") UpshiftCli.Format format) throws Exception {
        JsonNode record = cli.api().getJson("/api/upgrades/" + Paths.segment(id));
        if (format == UpshiftCli.Format.json) {
            cli.print(record);
            return Outcome.OK;
        }
        ProgressView.lines(record, Integer.MAX_VALUE).forEach(cli.out::println);
        if (record.path("message").isTextual()) {
            cli.out.println(record.path("message").asText());
        }
        return Outcome.OK;
    }

    @Command(name = "logs", description = "An upgrade's log; --follow streams it until the upgrade ends and exits by its outcome.")
    int logs(@Parameters(paramLabel = "ID") String id,
            @Option(names = {"-f", "--follow"}, description = "stream until the upgrade ends") boolean follow)
            throws Exception {
        ApiClient api = cli.api();
        if (follow) {
            return cli.follower(api).follow(Paths.segment(id), false);
        }
        cli.out.print(api.getText("/api/upgrades/" + Paths.segment(id) + "/logs"));
        return Outcome.OK;
    }
}
