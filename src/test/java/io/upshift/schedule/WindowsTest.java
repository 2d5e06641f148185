package io.upshift.schedule;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.upshift.RejectedException;
import io.upshift.upgrade.UpgradeMode;
import io.upshift.upgrade.UpgradeRecord;
import org.apache.camel.CamelExecutionException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure decisions of upgrade windows: which window a fire belongs to, outcomes, default windows. */
class WindowsTest {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    /** Sunday 2026-11-29 02:00 in Shanghai. */
    private static final Instant SUNDAY_2AM = Instant.parse("2026-11-28T18:00:00Z");

    private static ScheduleSpec weekly(int minutes) {
        return new ScheduleSpec("5.1.2.04", UpgradeMode.DOWNTIME, true, false, null, null, "0 0 2 ? * SUN", SHANGHAI, minutes, false);
    }

    private static ScheduleSpec once(Instant at, int minutes) {
        return new ScheduleSpec("5.1.2.04", null, true, false, null, at, null, ZoneOffset.UTC, minutes, false);
    }

    @Test
    void anOnTimeCronFireOpensItsWindow() {
        Window w = Windows.of("s", weekly(120), SUNDAY_2AM, SUNDAY_2AM.plusMillis(30));
        assertThat(w.opensAt()).isEqualTo(SUNDAY_2AM);
        assertThat(w.endsAt()).isEqualTo(SUNDAY_2AM.plusSeconds(7200));
        assertThat(w.missed()).isFalse();
    }

    @Test
    void aMisfiredCronFireBelongsToTheWindowStillOpen() {
        // Quartz fires a misfire "now": 90 minutes into a two-hour window
        Instant late = SUNDAY_2AM.plusSeconds(90 * 60 + 17);
        Window w = Windows.of("s", weekly(120), late, late);
        assertThat(w.opensAt()).isEqualTo(SUNDAY_2AM);
        assertThat(w.missed()).isFalse();
    }

    @Test
    void aMisfiredCronFireAfterTheWindowIsMissed() {
        Instant late = SUNDAY_2AM.plusSeconds(3 * 3600);
        Window w = Windows.of("s", weekly(120), late, late);
        assertThat(w.missed()).isTrue();
        assertThat(w.opensAt()).isNull();
    }

    @Test
    void aOneOffWindowIsJudgedByTheApplicationClock() {
        Instant at = Instant.parse("2026-12-01T02:00:00Z");
        assertThat(Windows.of("s", once(at, 60), at, at.plusSeconds(59 * 60)).missed()).isFalse();
        assertThat(Windows.of("s", once(at, 60), at, at.plusSeconds(60 * 60)).missed()).isTrue();
        assertThat(Windows.of("s", once(at, 60), at.plusSeconds(7200), at.plusSeconds(7200)).opensAt()).isEqualTo(at);
    }

    @Test
    void theRequestCarriesTheWindowEnd() {
        Instant at = Instant.parse("2026-12-01T02:00:00Z");
        var request = once(at, 90).upgradeRequest("sch-1", at);
        assertThat(request.windowEndsAt()).isEqualTo(at.plusSeconds(90 * 60));
        assertThat(request.requestedBy()).isEqualTo("schedule sch-1");
        assertThat(request.riskAccepted()).isTrue();
    }

    @Test
    void outcomes() {
        UpgradeRecord record = UpgradeRecord.accepted("upg-1", "5.1.2.02", "5.1.2.04", null, null, null, "schedule", null,
                null, List.of(), null, 4, null, false);
        assertThat(Outcome.started(record)).isEqualTo(new Outcome("STARTED upg-1", "upg-1"));
        RejectedException running = new RejectedException(RejectedException.Code.UPGRADE_IN_PROGRESS,
                "an upgrade is in progress", List.of("…"), Map.of("upgrade", "upg-7"));
        // as the route sees it: wrapped by Camel
        assertThat(Outcome.refused(new CamelExecutionException("x", null, running), "5.1.2.04").text())
                .isEqualTo("SKIPPED: an upgrade is in progress (upg-7)");
        assertThat(Outcome.refused(new RejectedException(RejectedException.Code.ALREADY_AT_TARGET,
                "already at target version", List.of()), "5.1.2.04").text()).isEqualTo("SKIPPED: already at 5.1.2.04");
        // the code decides, not the text: another 409 worded alike is a failure
        assertThat(Outcome.refused(new RejectedException(409, "an upgrade is in progress", List.of()), "5.1.2.04").text())
                .startsWith("FAILED: ");
        assertThat(Outcome.refused(new RejectedException(404, "unknown version", List.of("no version 9.9.9.9")), "9.9.9.9").text())
                .isEqualTo("FAILED: unknown version: no version 9.9.9.9");
        assertThat(Outcome.refused(new IllegalStateException("outer", new UnsupportedOperationException("inner")), "x").text())
                .isEqualTo("FAILED: inner");
    }

    @Test
    void defaultWindowsAreReadFromTheSettings() {
        Properties settings = new Properties();
        settings.setProperty("upshift.windows.sunday.cron", "0 0 2 ? * SUN");
        settings.setProperty("upshift.windows.sunday.time-zone", "Asia/Shanghai");
        settings.setProperty("upshift.windows.sunday.target-version", "5.1.2.04");
        settings.setProperty("upshift.windows.sunday.window-minutes", "120");
        settings.setProperty("upshift.windows.sunday.accept-risk", "true");
        settings.setProperty("upshift.inbox.dir", "./inbox");
        Map<String, ScheduleRequest> windows = DefaultWindows.from(settings);
        assertThat(windows).containsOnlyKeys("sunday");
        assertThat(windows.get("sunday")).isEqualTo(
                new ScheduleRequest("5.1.2.04", null, true, null, null, null, "0 0 2 ? * SUN", "Asia/Shanghai", 120, null));
    }

    @Test
    void aMistypedDefaultWindowSettingFailsStartUp() {
        Properties settings = new Properties();
        settings.setProperty("upshift.windows.sunday.timezone", "UTC");
        assertThatThrownBy(() -> DefaultWindows.from(settings)).hasMessageContaining("unknown setting upshift.windows.sunday.timezone");
    }
}
