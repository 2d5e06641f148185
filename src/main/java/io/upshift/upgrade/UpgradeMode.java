package io.upshift.upgrade;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** How an upgrade is rolled: live ({@code zero-downtime}) or with the platform scaled down ({@code downtime}). */
public enum UpgradeMode {
    ZERO_DOWNTIME("zero-downtime", "Services and their API calls stay available while each service is rolled"
            + " pod by pod; a small number of requests may fail."),
    DOWNTIME("downtime", "Every service is stopped from the first scale-down until its scale-up: the platform"
            + " does not answer in between.");

    private final String json;
    private final String impact;

    UpgradeMode(String json, String impact) {
        this.json = json;
        this.impact = impact;
    }

    /** What the mode means for the platform's users, in words (shown before the risk disclaimer). */
    public String impact() {
        return impact;
    }

    @JsonValue
    public String json() {
        return json;
    }

    /** Accepts {@code zero-downtime}, {@code ZERO_DOWNTIME}, {@code Downtime}…; null stays null (the default is the caller's choice). */
    @JsonCreator
    public static UpgradeMode parse(String raw) {
        if (raw == null) {
            return null;
        }
        String normalized = raw.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (UpgradeMode mode : values()) {
            if (mode.json.equals(normalized)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("\"" + raw + "\" is not an upgrade mode (zero-downtime or downtime)");
    }

    @Override
    public String toString() {
        return json;
    }
}
