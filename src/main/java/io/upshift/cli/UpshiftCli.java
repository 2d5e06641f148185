package io.upshift.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code upshift}, the command line for operators and CI (launcher {@code bin/upshift}). Talks to
 * the API with the token {@code upshift login} stored; exit codes: 0 done (a followed upgrade
 * SUCCEEDED), 1 usage, connection or refusal (the server's reasons printed), 2 FAILED/ROLLED_BACK,
 * 3 STOPPED/FORCE_STOPPED/CANCELLED.
 */
@Command(name = "upshift", mixinStandardHelpOptions = true, version = "upshift 0.1.0",
        description = "Zero-downtime platform upgrades from a terminal or CI.",
        subcommands = {LoginCommand.class, VersionsCommand.class, PlanCommand.class, UpgradeCommand.class,
            UpgradesCommand.class, SchedulesCommand.class, TokensCommand.class, CommandLine.HelpCommand.class})
public class UpshiftCli implements Callable<Integer> {

    /** Output of read commands: a table for people, the API's JSON for scripts. */
    public enum Format { table, json }

    final Map<String, String> env;
    final PrintWriter out;
    final PrintWriter err;
    final BufferedReader in;
    final boolean terminal;
    final ObjectMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--interval", defaultValue = "500", description = "ms between looks at a followed upgrade (default ${DEFAULT-VALUE})")
    long intervalMillis;

    @Option(names = "--timeout", defaultValue = "360", description = "minutes to follow an upgrade at most (default ${DEFAULT-VALUE})")
    long timeoutMinutes;

    UpshiftCli(Map<String, String> env, PrintWriter out, PrintWriter err, BufferedReader in, boolean terminal) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.in = in;
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        // System.console() is there only when stdin and stdout are a terminal: then draw, else plain lines
        boolean terminal = System.console() != null && !"dumb".equals(System.getenv("TERM"));
        System.exit(run(args, System.getenv(), out, err, in, terminal));
    }

    /** Runs one command line; answers its exit code. */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err, BufferedReader in,
            boolean terminal) {
        UpshiftCli cli = new UpshiftCli(env, out, err, in, terminal);
        CommandLine commandLine = new CommandLine(cli);
        for (String action : RecordActionCommand.ACTIONS) {
            commandLine.addSubcommand(action, new RecordActionCommand(action));
        }
        commandLine.setOut(out).setErr(err).setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler((e, arguments) -> {
            err.println("upshift: " + e.getMessage());
            e.getCommandLine().usage(err);
            return Outcome.ERROR;
        });
        commandLine.setExecutionExceptionHandler((e, line, parsed) -> cli.failed(e));
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(err);
        return Outcome.ERROR;
    }

    /** The API, logged in: the URL and token from the environment or the config file. */
    ApiClient api() throws IOException {
        CliConfig config = CliConfig.load(env);
        if (config.url() == null || config.token() == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "not logged in: run 'upshift login URL', "
                    + "or set UPSHIFT_URL and UPSHIFT_TOKEN (config file " + config.file() + ")");
        }
        return new ApiClient(config.url(), "Bearer " + config.token(), json);
    }

    Follower follower(ApiClient api) {
        return new Follower(api, out, terminal, Duration.ofMillis(intervalMillis), Duration.ofMinutes(timeoutMinutes));
    }

    void print(JsonNode node) throws IOException {
        out.println(json.writeValueAsString(node));
    }

    private int failed(Exception e) {
        if (e instanceof ApiException refused) {
            err.println("upshift: refused (" + refused.status() + "): " + refused.getMessage());
            refused.reasons().forEach(reason -> err.println("  - " + reason));
        } else if (e instanceof ConnectException || e instanceof HttpConnectTimeoutException) {
            err.println("upshift: cannot reach Upshift: " + e);
        } else if (e instanceof CommandLine.ParameterException usage) {
            err.println("upshift: " + usage.getMessage());
        } else if (e instanceof IOException io) {
            err.println("upshift: " + io.getMessage());
        } else {
            err.println("upshift: " + e);
        }
        err.flush();
        return Outcome.ERROR;
    }
}
