package io.upshift.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import picocli.CommandLine.Option;

/** What an upgrade goes to: shared by {@code plan} and {@code upgrade}. */
class TargetOptions {

    @Option(names = "--to", required = true, paramLabel = "VERSION", description = "target version")
    String target;

    @Option(names = "--mode", description = "zero-downtime or downtime (default: what compatibility allows)")
    String mode;

    @Option(names = "--allow-downgrade", description = "allow a lower target version")
    boolean allowDowngrade;

    @Option(names = "--accept-warnings", description = "go on past pre-check warnings (blocking checks still refuse)")
    boolean acceptWarnings;

    /** The body of POST /api/upgrades. */
    Map<String, Object> request(boolean acceptRisk) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("targetVersion", target);
        request.put("acceptRisk", acceptRisk);
        if (mode != null) {
            request.put("mode", mode);
        }
        if (allowDowngrade) {
            request.put("allowDowngrade", true);
        }
        if (acceptWarnings) {
            request.put("acceptWarnings", true);
        }
        return request;
    }
}
