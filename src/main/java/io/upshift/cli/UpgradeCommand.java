package io.upshift.cli;

import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code upshift upgrade --to V --accept-risk [--follow]}: starts an upgrade, and follows it to its end. */
@Command(name = "upgrade", description = "Start an upgrade; with --follow, show it to its end and exit by its outcome "
        + "(0 SUCCEEDED, 2 FAILED/ROLLED_BACK, 3 STOPPED/CANCELLED).")
class UpgradeCommand implements Callable<Integer> {

    @ParentCommand
    UpshiftCli cli;

    @Mixin
    TargetOptions to;

    @Option(names = "--accept-risk", description = "accept the risk disclaimer (required by the server)")
    boolean acceptRisk;

    @Option(names = "--idempotency-key", description = "a retry with the same key gets the same upgrade back")
    String idempotencyKey;

    @Option(names = {"-f", "--follow"}, description = "follow the upgrade: progress, services, log")
    boolean follow;

    @Option(names = {"-o", "--output"}, defaultValue = "table")
    UpshiftCli.Format format;

    @Override
    public Integer call() throws Exception {
        ApiClient api = cli.api();
        byte[] body = cli.json.writeValueAsBytes(to.request(acceptRisk));
        JsonNode record = idempotencyKey == null ? api.post("/api/upgrades", "application/json", body)
                : api.postWithHeader("/api/upgrades", body, "Idempotency-Key", idempotencyKey);
        if (format == UpshiftCli.Format.json) {
            cli.print(record);
        } else {
            cli.out.println("upgrade " + Table.text(record, "id") + " " + Table.text(record, "state") + ": "
                    + Table.text(record, "fromVersion") + " -> " + Table.text(record, "targetVersion") + ", "
                    + Table.text(record, "mode"));
        }
        cli.out.flush();
        return follow ? cli.follower(api).follow(record.path("id").asText(), true) : Outcome.OK;
    }
}
