package io.upshift.cli;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code upshift} command line against a running Upshift on the sandbox: in-process through
 * picocli with captured streams, and as real processes of {@code bin/upshift} (one under a
 * pseudo-terminal, through util-linux {@code script}). Ordered: upgrades move the platform on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliTest extends UpshiftTestSupport {

    private final Map<String, String> env = new HashMap<>();

    record Run(int code, String out, String err) {
    }

    @Override
    protected Properties settings() {
        Properties p = new Properties();
        // a broken image fails at its Deployment's progress deadline: long enough to stop it first
        p.setProperty("upshift.sandbox.progress-deadline-seconds", "3");
        p.setProperty("upshift.rollout.deadline-grace", "500ms");
        return p;
    }

    /** Once per class, once the application runs (it starts before each test, not before all). */
    @BeforeEach
    void logIn() throws Exception {
        if (env.containsKey("UPSHIFT_TOKEN")) {
            return;
        }
        JsonNode token = body(post("/api/tokens", "application/json",
                "{\"name\":\"cli-tests\",\"role\":\"operator\"}".getBytes()));
        env.put("UPSHIFT_URL", "http://localhost:" + port);
        env.put("UPSHIFT_TOKEN", token.path("token").asText());
        env.put("UPSHIFT_CONFIG", work.resolve("no-config").toString());
    }

    private Run run(String... args) {
        return run(env, "", args);
    }

    private Run run(Map<String, String> environment, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = UpshiftCli.run(args, environment, new PrintWriter(out), new PrintWriter(err),
                new BufferedReader(new StringReader(stdin)), false);
        return new Run(code, out.toString(), err.toString());
    }

    private Path version(String version, String gatewayTag) throws Exception {
        String yaml = new String(example("platform-5.1.2.04.yaml"), StandardCharsets.UTF_8).replace("5.1.2.04", version)
                .replace("gateway:" + version, "gateway:" + gatewayTag);
        Path file = work.resolve("platform-" + version + ".yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    @Order(1)
    void loginMakesATokenAndStoresItOwnerOnly() throws Exception {
        Path config = work.resolve("home/.config/upshift/config");
        Map<String, String> fresh = Map.of("HOME", work.resolve("home").toString());
        Run login = run(fresh, PASSWORD + "\n", "login", "http://localhost:" + port, "--user", OPERATOR,
                "--password-stdin", "--token-name", "laptop");
        assertThat(login.code()).as(login.err()).isZero();
        assertThat(login.out()).contains("Made token laptop (operator").contains("token stored in " + config);
        assertThat(Files.getPosixFilePermissions(config)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        Properties stored = new Properties();
        stored.load(Files.newBufferedReader(config));
        assertThat(stored.getProperty("url")).isEqualTo("http://localhost:" + port);
        assertThat(stored.getProperty("token")).startsWith("upshift_");

        Run list = run(fresh, "", "tokens", "list");
        assertThat(list.code()).as(list.err()).isZero();
        assertThat(list.out()).startsWith("NAME").contains("laptop").contains(OPERATOR);

        Run wrong = run(fresh, "not-the-password\n", "login", "http://localhost:" + port, "--user", OPERATOR,
                "--password-stdin");
        assertThat(wrong.code()).isEqualTo(1);
        assertThat(wrong.err()).contains("refused (401): wrong user name or password");
        Run nobody = run(Map.of("HOME", work.resolve("nobody").toString()), "", "versions", "list");
        assertThat(nobody.code()).isEqualTo(1);
        assertThat(nobody.err()).contains("not logged in");
        Run down = run(Map.of("UPSHIFT_URL", "http://localhost:1", "UPSHIFT_TOKEN", "upshift_x"), "", "versions", "list");
        assertThat(down.code()).isEqualTo(1);
        assertThat(down.err()).contains("cannot reach Upshift");
        assertThat(run("upgrade", "--accept-risk").code()).isEqualTo(1); // usage: --to is required
    }

    @Test
    @Order(2)
    void importListAndPlan() throws Exception {
        Run imported = run("versions", "import", "examples/platform-5.1.2.04.yaml");
        assertThat(imported.code()).as(imported.err()).isZero();
        assertThat(imported.out()).isEqualTo("5.1.2.04 imported (7 services)\n");
        Run list = run("versions", "list", "-o", "json");
        assertThat(list.code()).isZero();
        assertThat(json.readTree(list.out()).findValuesAsText("version")).contains("5.1.2.04");

        Run plan = run("plan", "--to", "5.1.2.04");
        assertThat(plan.code()).as(plan.err()).isZero();
        assertThat(plan.out()).startsWith("5.1.2.02 -> 5.1.2.04: zero-downtime (")
                .contains("SERVICE").contains("gateway:5.1.2.02").contains("gateway:5.1.2.04");
        Run planJson = run("plan", "--to", "5.1.2.04", "-o", "json");
        assertThat(json.readTree(planJson.out()).path("services")).hasSize(7);
    }

    @Test
    @Order(3)
    void aRefusedUpgradePrintsTheServersReasonsAndExits1() {
        Run refused = run("upgrade", "--to", "5.1.2.04");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).startsWith("upshift: refused (400): ").contains("  - ").containsIgnoringCase("risk");
        Run unknown = run("upgrade", "--to", "9.9.9.99", "--accept-risk");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("refused (404)").contains("9.9.9.99");

        // a pre-check warning (one gateway replica) is named, and the next test goes on past it
        scaleGateway(1);
        Run warned = run("upgrade", "--to", "5.1.2.04", "--accept-risk");
        assertThat(warned.code()).isEqualTo(1);
        assertThat(warned.err()).contains("refused (400)").contains("replicas-for-zero-downtime: gateway")
                .contains("set acceptWarnings to go on");
    }

    @Test
    @Order(4)
    void upgradeFollowsToSucceededWithProgressLinesAndExits0() {
        Run upgrade = run("--interval", "50", "upgrade", "--to", "5.1.2.04", "--accept-risk", "--accept-warnings", "--follow");
        assertThat(upgrade.code()).as(upgrade.err()).isZero();
        List<String> lines = upgrade.out().lines().toList();
        assertThat(lines.get(0)).matches("upgrade upg-\\S+ PENDING: 5\\.1\\.2\\.02 -> 5\\.1\\.2\\.04, zero-downtime");
        assertThat(lines).anyMatch(l -> l.startsWith("progress [") && l.contains("7/7 services"))
                .anyMatch(l -> l.equals("service gateway: SUCCEEDED"))
                .anyMatch(l -> l.matches("\\d+ \\S+ ended SUCCEEDED.*"));
        assertThat(lines.get(lines.size() - 1)).matches("upgrade upg-\\S+ SUCCEEDED.*");
        assertThat(upgrade.out()).doesNotContain("\033[");

        Run list = run("upgrades", "list");
        assertThat(list.out()).startsWith("ID").contains("SUCCEEDED").contains("100%");
        String id = lines.get(0).split(" ")[1];
        Run show = run("upgrades", "show", id, "-o", "json");
        assertThat(show.code()).isZero();
        assertThat(show.out()).contains("\"state\" : \"SUCCEEDED\"");
        Run logs = run("upgrades", "logs", id, "--follow");
        assertThat(logs.code()).isZero();
        assertThat(logs.out().lines()).anyMatch(l -> l.matches("1 \\S+ .*"));

        // the gateway's second replica back, for the upgrades after this one
        scaleGateway(2);
    }

    /** The gateway at {@code replicas}, each of them available. */
    private void scaleGateway(int replicas) {
        kubernetes().apps().deployments().inNamespace("platform").withName("gateway").scale(replicas);
        await().atMost(Duration.ofSeconds(20)).until(() -> kubernetes().apps().deployments().inNamespace("platform")
                .withName("gateway").get().getStatus(), s -> Integer.valueOf(replicas).equals(s.getReplicas())
                        && Integer.valueOf(replicas).equals(s.getAvailableReplicas()));
    }

    @Test
    @Order(5)
    void aStoppedUpgradeExits3AndAFailedOneExits2() throws Exception {
        assertThat(run("versions", "import", version("5.1.2.05", "broken-5.1.2.05").toString()).code()).isZero();
        Run started = run("upgrade", "--to", "5.1.2.05", "--accept-risk", "-o", "json");
        String id = json.readTree(started.out()).path("id").asText();
        Run stop = run("stop", id, "--note", "wrong window");
        assertThat(stop.code()).as(stop.err()).isZero();
        // the lifecycle: STOPPING while steps in flight finish (none yet here), then STOPPED
        assertThat(stop.out()).matches("(?s)upgrade " + id + " STOPP(ING|ED).*");
        Run logs = run("--interval", "50", "upgrades", "logs", id, "--follow");
        assertThat(logs.code()).isEqualTo(3);
        assertThat(logs.out()).contains("STOPPED");
        Run again = run("stop", id);
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("refused (409)").contains("stop applies to PENDING, PRECHECKING and UPGRADING");

        Run failed = run("--interval", "50", "upgrade", "--to", "5.1.2.05", "--accept-risk", "--follow");
        assertThat(failed.code()).as(failed.out() + failed.err()).isEqualTo(2);
        // the service's own FAILED may pass between two looks (rolled back at once): the log has it
        assertThat(failed.out()).containsPattern("\\d+ \\S+ gateway: FAILED: ").containsPattern("upgrade upg-\\S+ (FAILED|ROLLED_BACK)");
    }

    @Test
    @Order(6)
    void tokensAndSchedules() throws Exception {
        Run created = run("tokens", "create", "ci-reader");
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.out().strip()).startsWith("upshift_");
        assertThat(created.err()).contains("shown only this once");
        assertThat(run("tokens", "list", "-o", "json").out()).contains("\"ci-reader\"");
        Map<String, String> asReader = new HashMap<>(env);
        asReader.put("UPSHIFT_TOKEN", created.out().strip());
        Run forbidden = run(asReader, "", "tokens", "create", "more");
        assertThat(forbidden.code()).isEqualTo(1);
        assertThat(forbidden.err()).contains("refused (403)").contains("operator role");
        assertThat(run("tokens", "revoke", "ci-reader").code()).isZero();
        assertThat(run(asReader, "", "upgrades", "list").err()).contains("refused (401)");

        Run schedule = run("schedules", "create", "--to", "5.1.2.04", "--cron", "0 0 2 ? * SUN", "--time-zone", "UTC",
                "--accept-risk", "--accept-warnings", "-o", "json");
        assertThat(schedule.code()).as(schedule.err()).isZero();
        String id = json.readTree(schedule.out()).path("id").asText();
        assertThat(json.readTree(schedule.out()).path("acceptWarnings").asBoolean()).isTrue();
        assertThat(run("schedules", "list").out()).contains(id).contains("0 0 2 ? * SUN");
        assertThat(run("schedules", "delete", id).code()).isZero();
        assertThat(run("schedules", "show", id).code()).isEqualTo(1);
    }

    @Test
    @Order(7)
    void theLauncherRunsAsAProcessAndDrawsUnderATerminal() throws Exception {
        Path ok = version("5.1.2.06", "5.1.2.06");
        assertThat(run("versions", "import", ok.toString()).code()).isZero();

        Process plain = launcher(List.of("bin/upshift", "upgrades", "list", "-o", "json"));
        String listed = new String(plain.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(plain.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(plain.exitValue()).isZero();
        assertThat(json.readTree(listed).isArray()).isTrue();

        // gateway takes 3 s to become ready, so the follower draws the upgrade more than once
        kubernetes().apps().deployments().inNamespace("platform").withName("gateway").edit(d -> {
            d.getMetadata().getAnnotations().put("upshift.io/readiness-delay", "3s");
            return d;
        });
        // script(1) gives the command a pseudo-terminal; -e passes its exit code on
        Process tty = launcher(List.of("script", "-qec",
                "bin/upshift --interval 50 upgrade --to 5.1.2.06 --accept-risk --follow", "/dev/null"));
        String drawn = new String(tty.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tty.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(tty.exitValue()).as(drawn).isZero();
        assertThat(drawn).contains("\033[").contains("F\033[J") // redrawn in place
                .contains("[##############################] 100%  7/7 services")
                .contains("+ gateway").contains("SUCCEEDED");
        assertThat(drawn).doesNotContain("progress ["); // no plain lines on a terminal
    }

    private Process launcher(List<String> command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.environment().put("UPSHIFT_CLASSPATH", System.getProperty("java.class.path"));
        builder.environment().put("TERM", "xterm");
        builder.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return builder.start();
    }
}
