package io.upshift.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import com.fasterxml.jackson.databind.json.JsonMapper;
import io.upshift.version.Version;
import io.upshift.version.VersionConfig;
import org.junit.jupiter.api.Test;

class CompatibilityTest {

    private final Compatibility compatibility = new Compatibility();

    private static VersionConfig target(String version, Boolean zeroDowntime) {
        return new VersionConfig(version, List.of(), zeroDowntime, null);
    }

    @Test
    void sameLineRollsLive() {
        Verdict verdict = compatibility.classify(Version.parse("5.1.2.02"), target("5.1.2.04", null), UpgradeMode.ZERO_DOWNTIME);

        assertThat(verdict).isEqualTo(new Verdict(UpgradeMode.ZERO_DOWNTIME, "5.1.2.02 → 5.1.2.04: same 5.1.2 line, rolling update"));
    }

    @Test
    void nullRequestMeansZeroDowntime() {
        Verdict verdict = compatibility.classify(Version.parse("V5.1.2.02"), target("5.1.2.04", true), null);

        assertThat(verdict.mode()).isEqualTo(UpgradeMode.ZERO_DOWNTIME);
        assertThat(verdict.zeroDowntime()).isTrue();
    }

    @Test
    void differentLineNeedsDowntime() {
        Verdict verdict = compatibility.classify(Version.parse("5.1.2.02"), target("5.2.0.01", null), null);

        assertThat(verdict).isEqualTo(new Verdict(UpgradeMode.DOWNTIME, "5.1.2 → 5.2.0: first three segments differ"));
    }

    @Test
    void onlyTheFourthSegmentMayDiffer() {
        assertThat(compatibility.classify(Version.parse("5.1.3.04"), target("5.1.2.04", null), null).mode())
                .isEqualTo(UpgradeMode.DOWNTIME);
        assertThat(compatibility.classify(Version.parse("6.1.2.04"), target("5.1.2.05", null), null).mode())
                .isEqualTo(UpgradeMode.DOWNTIME);
    }

    @Test
    void targetThatForbidsZeroDowntime() {
        Verdict verdict = compatibility.classify(Version.parse("5.1.2.02"), target("5.1.2.04", false), null);

        assertThat(verdict).isEqualTo(new Verdict(UpgradeMode.DOWNTIME,
                "5.1.2.04 does not support zero-downtime upgrades (zeroDowntime: false)"));
    }

    @Test
    void downtimeRequested() {
        Verdict verdict = compatibility.classify(Version.parse("5.1.2.02"), target("5.1.2.04", true), UpgradeMode.DOWNTIME);

        assertThat(verdict).isEqualTo(new Verdict(UpgradeMode.DOWNTIME, "downtime upgrade requested"));
    }

    @Test
    void everyReasonIsReported() {
        Verdict verdict = compatibility.classify(Version.parse("5.1.2.02"), target("5.2.0.01", false), UpgradeMode.DOWNTIME);

        assertThat(verdict.mode()).isEqualTo(UpgradeMode.DOWNTIME);
        assertThat(verdict.reason()).isEqualTo("5.1.2 → 5.2.0: first three segments differ; "
                + "5.2.0.01 does not support zero-downtime upgrades (zeroDowntime: false); downtime upgrade requested");
    }

    @Test
    void modeJsonNames() throws Exception {
        JsonMapper mapper = new JsonMapper();

        assertThat(mapper.writeValueAsString(UpgradeMode.ZERO_DOWNTIME)).isEqualTo("\"zero-downtime\"");
        assertThat(mapper.writeValueAsString(new Verdict(UpgradeMode.DOWNTIME, "x")))
                .isEqualTo("{\"mode\":\"downtime\",\"reason\":\"x\"}");
        assertThat(mapper.readValue("\"zero-downtime\"", UpgradeMode.class)).isEqualTo(UpgradeMode.ZERO_DOWNTIME);
        assertThat(mapper.readValue("\"ZERO-DOWNTIME\"", UpgradeMode.class)).isEqualTo(UpgradeMode.ZERO_DOWNTIME);
        assertThat(mapper.readValue("\"ZERO_DOWNTIME\"", UpgradeMode.class)).isEqualTo(UpgradeMode.ZERO_DOWNTIME);
        assertThat(mapper.readValue("\"Downtime\"", UpgradeMode.class)).isEqualTo(UpgradeMode.DOWNTIME);
        assertThatThrownBy(() -> mapper.readValue("\"blue-green\"", UpgradeMode.class))
                .hasMessageContaining("is not an upgrade mode");
    }
}
