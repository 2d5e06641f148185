package io.upshift.upgrade;

import java.time.Instant;

/** One operator action taken on an upgrade, as its record lists it. */
public record ActionEntry(String action, String by, Instant at, String note, UpgradeState fromState,
        UpgradeState toState) {
}
