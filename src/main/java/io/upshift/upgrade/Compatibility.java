package io.upshift.upgrade;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.upshift.version.Version;
import io.upshift.version.VersionConfig;

/**
 * The compatibility rule: an upgrade rolls live only when current and target share their first
 * three segments (5.1.2.02 → 5.1.2.04), the target allows it and the requester did not ask for
 * downtime. Every reason that forces downtime is reported, so the record says all of them.
 */
public class Compatibility {

    /** {@code requested} null means zero-downtime (the default of a request). */
    public Verdict classify(Version current, VersionConfig target, UpgradeMode requested) {
        Objects.requireNonNull(current, "current version");
        Objects.requireNonNull(target, "target config");
        Version to = Version.parse(target.version());

        List<String> reasons = new ArrayList<>();
        if (!current.sameLine(to)) {
            reasons.add(current.line() + " → " + to.line() + ": first three segments differ");
        }
        if (!target.allowsZeroDowntime()) {
            reasons.add(to + " does not support zero-downtime upgrades (zeroDowntime: false)");
        }
        if (requested == UpgradeMode.DOWNTIME) {
            reasons.add("downtime upgrade requested");
        }
        if (reasons.isEmpty()) {
            return new Verdict(UpgradeMode.ZERO_DOWNTIME,
                    current + " → " + to + ": same " + current.line() + " line, rolling update");
        }
        return new Verdict(UpgradeMode.DOWNTIME, String.join("; ", reasons));
    }
}
