package io.upshift.schedule;

import io.upshift.Failures;
import io.upshift.RejectedException;
import io.upshift.intake.ErrorBodies;
import io.upshift.upgrade.UpgradeRecord;

/** What a window's upgrade request came to, as recorded on the schedule. */
public record Outcome(String text, String upgradeId) {

    public static final String MISSED = "MISSED";


    public static Outcome started(UpgradeRecord record) {
        return new Outcome("STARTED " + record.id(), record.id());
    }

    public static Outcome missed() {
        return new Outcome(MISSED, null);
    }

    /**
     * A refusal: the two refusals that mean there is nothing to do now (codes {@code UPGRADE_IN_PROGRESS},
     * {@code ALREADY_AT_TARGET}) are skips; any
     * other refusal or failure is {@code FAILED: <reason>}.
     */
    public static Outcome refused(Throwable failure, String targetVersion) {
        RejectedException rejected = ErrorBodies.rejection(failure);
        RejectedException.Code code = rejected == null ? null : rejected.code();
        if (code == RejectedException.Code.UPGRADE_IN_PROGRESS) {
            Object running = rejected.body().get("upgrade");
            return new Outcome("SKIPPED: an upgrade is in progress" + (running == null ? "" : " (" + running + ")"), null);
        }
        if (code == RejectedException.Code.ALREADY_AT_TARGET) {
            return new Outcome("SKIPPED: already at " + targetVersion, null);
        }
        // Camel wraps what a route threw; the innermost message is the one that says why
        return new Outcome("FAILED: " + Failures.message(rejected != null ? rejected : Failures.root(failure)), null);
    }
}
