package io.upshift.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line's plain parts: exit codes, the progress drawing, where the config comes from. */
class CliPartsTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void exitCodesFollowHowTheUpgradeEnded() throws Exception {
        assertThat(Outcome.exitCode("SUCCEEDED")).isZero();
        assertThat(List.of("FAILED", "ROLLED_BACK")).allMatch(s -> Outcome.exitCode(s) == 2);
        assertThat(List.of("STOPPED", "FORCE_STOPPED", "CANCELLED")).allMatch(s -> Outcome.exitCode(s) == 3);
        assertThat(Outcome.exitCode("SOMETHING_NEW")).isEqualTo(1);
        assertThat(Outcome.ended(json.readTree("{\"state\":\"RUNNING\",\"finishedAt\":null}"))).isFalse();
        assertThat(Outcome.ended(json.readTree("{\"state\":\"CANCELLED\"}"))).isTrue();
        assertThat(Outcome.ended(json.readTree("{\"state\":\"SOMETHING_NEW\",\"finishedAt\":\"2026-11-27T16:00:00Z\"}")))
                .isTrue();
    }

    @Test
    void theProgressBlockHasABarAndALinePerService() throws Exception {
        JsonNode record = json.readTree("""
                {"id":"upg-1","fromVersion":"5.1.2.02","targetVersion":"5.1.2.04","mode":"zero-downtime","state":"RUNNING",
                 "progress":{"completed":1,"total":3,"percent":33},
                 "services":[{"name":"auth","state":"SUCCEEDED","message":"rolled"},
                             {"name":"gateway","state":"RUNNING","message":null},
                             {"name":"web-console","state":"PENDING"}]}""");
        List<String> lines = ProgressView.lines(record, 60);
        assertThat(lines).containsExactly(
                "upg-1  5.1.2.02 -> 5.1.2.04  zero-downtime  RUNNING",
                "[#########---------------------]  33%  1/3 services",
                "  + auth         SUCCEEDED         rolled",
                "  > gateway      RUNNING",
                "  . web-console  PENDING");
        assertThat(ProgressView.lines(record, 20).get(0)).hasSize(20).endsWith("~");
        assertThat(Follower.lineNumber("31 2026-11-25T12:39:02Z web-console: rolled", 0)).isEqualTo(31);
        assertThat(Follower.lineNumber("no number", 7)).isEqualTo(7);
    }

    @Test
    void theEnvironmentOverridesTheConfigFileWhichIsOwnerOnly(@TempDir Path home) throws Exception {
        Path file = CliConfig.file(Map.of("HOME", home.toString()));
        assertThat(file).isEqualTo(home.resolve(".config/upshift/config"));
        assertThat(CliConfig.file(Map.of("HOME", "/x", "XDG_CONFIG_HOME", home.toString())))
                .isEqualTo(home.resolve("upshift/config"));
        CliConfig.save(file, "http://upshift:8080", "upshift_stored");
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        CliConfig stored = CliConfig.load(Map.of("HOME", home.toString()));
        assertThat(stored.url()).isEqualTo("http://upshift:8080");
        assertThat(stored.token()).isEqualTo("upshift_stored");
        CliConfig overridden = CliConfig.load(Map.of("HOME", home.toString(), "UPSHIFT_URL", "http://other",
                "UPSHIFT_TOKEN", "upshift_env"));
        assertThat(overridden.url()).isEqualTo("http://other");
        assertThat(overridden.token()).isEqualTo("upshift_env");
    }
}
