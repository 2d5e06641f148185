package io.upshift.schedule;

import io.upshift.Failures;
import io.upshift.RejectedException;
import io.upshift.intake.ErrorBodies;
import io.upshift.upgrade.UpgradeRecord;

/** What a window's upgrade request came to, as recorded on the schedule. */
public record Outcome(String text, String upgradeId) {

    public static final String MISSED = "MISSED";

    static final String IN_PROGRESS = "an upgrade is in progress";
    static final String ALREADY_AT = "already at target version";

    public static Outcome started(UpgradeRecord record) {
        return new Outcome("STARTED " + record.id(), record.id());
    }

    public static Outcome missed() {
        return new Outcome(MISSED, null);
    }

    /**
     * A refusal: the two 409s the pipeline answers when there is nothing to do now are skips; any
     * other refusal or failure is {@code FAILED: <reason>}.
     */
    public static Outcome refused(Throwable failure, String targetVersion) {
        RejectedException rejected = ErrorBodies.rejection(failure);
        if (rejected != null && rejected.status() == 409 && IN_PROGRESS.equals(rejected.error())) {
            Object running = rejected.body().get("upgrade");
            return new Outcome("SKIPPED: " + IN_PROGRESS + (running == null ? "" : " (" + running + ")"), null);
        }
        if (rejected != null && rejected.status() == 409 && ALREADY_AT.equals(rejected.error())) {
            return new Outcome("SKIPPED: already at " + targetVersion, null);
        }
        // Camel wraps what a route threw; the innermost message is the one that says why
        return new Outcome("FAILED: " + Failures.message(rejected != null ? rejected : Failures.root(failure)), null);
    }
}
