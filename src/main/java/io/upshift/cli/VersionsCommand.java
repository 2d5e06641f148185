package io.upshift.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code upshift versions import|list|show}: version configurations. (No diff: the API has none yet.) */
@Command(name = "versions", description = "Version configurations: import, list, show.")
class VersionsCommand {

    @ParentCommand
    UpshiftCli cli;

    @Command(name = "import", description = "Import a version configuration (YAML or JSON), or overwrite the stored one.")
    int importFile(@Parameters(paramLabel = "FILE") Path file) throws Exception {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String type = name.endsWith(".json") ? "application/json" : "application/yaml";
        JsonNode result = cli.api().post("/api/versions", type, Files.readAllBytes(file));
        cli.out.println(result.path("version").asText() + " " + result.path("action").asText() + " ("
                + result.path("services").asInt() + " services)");
        return Outcome.OK;
    }

    @Command(name = "list", description = "The stored version configurations.")
    int list(@Option(names = {"-o", "--output"}, defaultValue = "table") UpshiftCli.Format format) throws Exception {
        JsonNode versions = cli.api().getJson("/api/versions");
        if (format == UpshiftCli.Format.json) {
            cli.print(versions);
            return Outcome.OK;
        }
        Table table = new Table("VERSION", "SERVICES", "SOURCE", "UPDATED");
        versions.forEach(v -> table.row(Table.text(v, "version"), v.path("services").asInt(), Table.text(v, "source"),
                Table.text(v, "updatedAt")));
        table.print(cli.out);
        return Outcome.OK;
    }

    @Command(name = "show", description = "One stored version configuration (JSON).")
    int show(@Parameters(paramLabel = "VERSION") String version,
            @Option(names = {"-o", "--output"}, defaultValue = "json") UpshiftCli.Format format) throws Exception {
        JsonNode config = cli.api().getJson("/api/versions/" + Paths.segment(version));
        if (format == UpshiftCli.Format.json) {
            cli.print(config);
            return Outcome.OK;
        }
        Table table = new Table("SERVICE", "IMAGE", "DEPENDS ON");
        config.path("services").forEach(s -> table.row(Table.text(s, "name"), Table.text(s, "image"),
                String.join(",", PlanCommand.names(s.path("dependsOn")))));
        table.print(cli.out);
        return Outcome.OK;
    }
}
