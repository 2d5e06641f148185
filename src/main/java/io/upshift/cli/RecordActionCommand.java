package io.upshift.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The actions on an upgrade record, one command each ({@code upshift stop ID --note "…"}): each is
 * {@code POST /api/upgrades/{id}/<action>} with an optional {@code {"note": …, "verdict": …}}
 * ({@code verdict} for {@code mark}), answered with the record. The server decides what each may do
 * when; its refusal reasons are printed (exit 1).
 */
@Command(description = "An action on an upgrade record (POST /api/upgrades/{id}/<action>).")
class RecordActionCommand implements Callable<Integer> {

    /** stop: no new service starts; force-stop: now, lock released; resume, cancel, mark, rollback. */
    static final List<String> ACTIONS = List.of("stop", "force-stop", "resume", "cancel", "mark", "rollback");

    private final String action;

    @ParentCommand
    UpshiftCli cli;

    @Parameters(paramLabel = "ID", description = "the upgrade's id")
    String id;

    @Option(names = "--note", description = "why (recorded with the action)")
    String note;

    @Option(names = "--verdict", description = "mark: what the operator found (e.g. SUCCEEDED or FAILED)")
    String verdict;

    @Option(names = {"-o", "--output"}, defaultValue = "table")
    UpshiftCli.Format format;

    RecordActionCommand(String action) {
        this.action = action;
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        if (note != null) {
            body.put("note", note);
        }
        if (verdict != null) {
            body.put("verdict", verdict);
        }
        JsonNode record = cli.api().postJson("/api/upgrades/" + Paths.segment(id) + "/" + action, body);
        if (format == UpshiftCli.Format.json) {
            cli.print(record);
        } else {
            cli.out.println("upgrade " + Table.text(record, "id") + " " + Table.text(record, "state")
                    + (record.path("message").isTextual() ? ": " + record.path("message").asText() : ""));
        }
        return Outcome.OK;
    }
}
