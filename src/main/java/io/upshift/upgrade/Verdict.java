package io.upshift.upgrade;

/** The effective mode of an upgrade and why: what the record shows as {@code mode} and {@code modeReason}. */
public record Verdict(UpgradeMode mode, String reason) {

    public boolean zeroDowntime() {
        return mode == UpgradeMode.ZERO_DOWNTIME;
    }
}
