package io.upshift.verify;

import java.util.List;

/** The checks of one service, in the order its version config declares them (httpGet, then job). */
public record ServiceChecks(String service, List<CheckResult> checks) {

    public ServiceChecks {
        checks = checks == null ? List.of() : List.copyOf(checks);
    }

    public boolean passed() {
        return checks.stream().allMatch(CheckResult::passed);
    }
}
