package io.upshift.cli;

import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code upshift plan --to V}: what an upgrade would do (a dry run: nothing changes). */
@Command(name = "plan", description = "Show what an upgrade to a version would do; nothing changes.")
class PlanCommand implements Callable<Integer> {

    @ParentCommand
    UpshiftCli cli;

    @Mixin
    TargetOptions to;

    @Option(names = {"-o", "--output"}, defaultValue = "table")
    UpshiftCli.Format format;

    @Override
    public Integer call() throws Exception {
        // a dry run changes nothing: the disclaimer is accepted for the plan only
        JsonNode plan = cli.api().postJson("/api/upgrades?dryRun=true", to.request(true));
        if (format == UpshiftCli.Format.json) {
            cli.print(plan);
            return Outcome.OK;
        }
        cli.out.println(Table.text(plan, "fromVersion") + " -> " + Table.text(plan, "targetVersion") + ": "
                + Table.text(plan, "mode") + " (" + Table.text(plan, "modeReason") + ")");
        Table table = new Table("SERVICE", "FROM", "TO", "REPLICAS", "DEPENDS ON");
        plan.path("services").forEach(s -> table.row(Table.text(s, "name"), tag(Table.text(s, "fromImage")),
                s.path("alreadyAtTarget").asBoolean() ? "(already there)" : tag(Table.text(s, "toImage")),
                s.path("replicas").asInt(), String.join(",", names(s.path("dependsOn")))));
        table.print(cli.out);
        return Outcome.OK;
    }

    static String tag(String image) {
        int slash = image.lastIndexOf('/');
        return slash < 0 ? image : image.substring(slash + 1);
    }

    static java.util.List<String> names(JsonNode array) {
        java.util.List<String> names = new java.util.ArrayList<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }
}
