package io.upshift.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code upshift tokens list|create|revoke}: API tokens for scripts and CI. */
@Command(name = "tokens", description = "API tokens: list, create, revoke.")
class TokensCommand {

    @ParentCommand
    UpshiftCli cli;

    @Command(name = "list", description = "Tokens with role, owner, expiry and last use (never the token).")
    int list(@Option(names = {"-o", "--output"}, defaultValue = "table") UpshiftCli.Format format) throws Exception {
        JsonNode tokens = cli.api().getJson("/api/tokens");
        if (format == UpshiftCli.Format.json) {
            cli.print(tokens);
            return Outcome.OK;
        }
        Table table = new Table("NAME", "ROLE", "OWNER", "CREATED", "EXPIRES", "LAST USED");
        tokens.forEach(t -> table.row(Table.text(t, "name"), Table.text(t, "role"), Table.text(t, "owner"),
                Table.text(t, "createdAt"), Table.text(t, "expiresAt"), Table.text(t, "lastUsedAt")));
        table.print(cli.out);
        return Outcome.OK;
    }

    @Command(name = "create", description = "Make a token; it is printed once.")
    int create(@Parameters(paramLabel = "NAME") String name,
            @Option(names = "--role", defaultValue = "viewer", description = "viewer or operator (at most yours)") String role,
            @Option(names = "--expires-in-days") Integer days,
            @Option(names = {"-o", "--output"}, defaultValue = "table") UpshiftCli.Format format) throws Exception {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("name", name);
        request.put("role", role);
        if (days != null) {
            request.put("expiresInDays", days);
        }
        JsonNode created = cli.api().postJson("/api/tokens", request);
        if (format == UpshiftCli.Format.json) {
            cli.print(created);
        } else {
            cli.out.println(created.path("token").asText());
            cli.err.println("token " + name + " (" + Table.text(created, "role") + ", expires "
                    + Table.text(created, "expiresAt") + "): shown only this once");
        }
        return Outcome.OK;
    }

    @Command(name = "revoke", description = "Revoke a token at once.")
    int revoke(@Parameters(paramLabel = "NAME") String name) throws Exception {
        cli.api().delete("/api/tokens/" + Paths.segment(name));
        cli.out.println("token " + name + " revoked");
        return Outcome.OK;
    }
}
