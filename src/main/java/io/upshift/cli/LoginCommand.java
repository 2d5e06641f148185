package io.upshift.cli;

import java.io.Console;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code upshift login URL}: with a user name and password (asked, or one line on stdin), makes an
 * API token for this machine (POST /api/tokens, the user's own role); or stores a token given on
 * stdin. Either way the token is checked, then URL and token go to the config file (mode 0600).
 */
@Command(name = "login", description = "Store the URL of Upshift and an API token in ~/.config/upshift/config (0600).")
class LoginCommand implements Callable<Integer> {

    @ParentCommand
    UpshiftCli cli;

    @Parameters(index = "0", description = "Upshift's URL, e.g. http://localhost:8080")
    String url;

    @Option(names = {"-u", "--user"}, description = "log in as this user and make a token (default: $USER)")
    String user;

    @Option(names = "--password-stdin", description = "read the password from stdin instead of asking")
    boolean passwordStdin;

    @Option(names = "--token-stdin", description = "store a token read from stdin (one line) instead")
    boolean tokenStdin;

    @Option(names = "--token-name", description = "name of the token made (default: cli-<host>-<time>)")
    String tokenName;

    @Option(names = "--expires-in-days", description = "lifetime of the token made (default: the server's)")
    Integer expiresInDays;

    @Override
    public Integer call() throws Exception {
        String token = tokenStdin ? line("token") : makeToken();
        JsonNode platform = new ApiClient(url, "Bearer " + token, cli.json).getJson("/api/platform");
        java.nio.file.Path file = CliConfig.file(cli.env);
        CliConfig.save(file, url, token);
        cli.out.println("Logged in to " + url + " (platform at " + platform.path("currentVersion").asText()
                + "); token stored in " + file);
        return Outcome.OK;
    }

    private String makeToken() throws IOException, InterruptedException {
        String name = user != null ? user : cli.env.getOrDefault("USER", "");
        if (name.isBlank()) {
            throw new IOException("no user name: pass --user NAME (or --token-stdin)");
        }
        String password = password(name);
        String basic = "Basic " + Base64.getEncoder().encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8));
        ApiClient api = new ApiClient(url, basic, cli.json);
        JsonNode me = api.getJson("/auth/me");
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("name", tokenName != null ? tokenName : defaultName());
        request.put("role", me.path("role").asText("viewer"));
        if (expiresInDays != null) {
            request.put("expiresInDays", expiresInDays);
        }
        JsonNode created = api.postJson("/api/tokens", request);
        cli.out.println("Made token " + created.path("name").asText() + " (" + created.path("role").asText()
                + ", expires " + created.path("expiresAt").asText() + ")");
        return created.path("token").asText();
    }

    private String password(String name) throws IOException {
        Console console = System.console();
        if (!passwordStdin && console != null) {
            char[] typed = console.readPassword("Password for %s: ", name);
            if (typed == null) {
                throw new IOException("no password given");
            }
            return new String(typed);
        }
        return line("password");
    }

    private String line(String what) throws IOException {
        String line = cli.in.readLine();
        if (line == null || line.isBlank()) {
            throw new IOException("no " + what + " on stdin");
        }
        return line.strip();
    }

    private static String defaultName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "host";
        }
        String name = ("cli-" + host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-") + "-"
                + Instant.now().getEpochSecond());
        return name.length() <= 63 ? name : name.substring(name.length() - 63).replaceFirst("^-+", "");
    }
}
