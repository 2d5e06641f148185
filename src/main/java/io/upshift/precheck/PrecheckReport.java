package io.upshift.precheck;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Every pre-check of an upgrade, per service in dependency order, then the platform-wide ones. */
public record PrecheckReport(List<Check> checks) {

    public PrecheckReport {
        checks = checks == null ? List.of() : List.copyOf(checks);
    }

    /** The cluster could not be read: one failed blocking check says so (nothing can be judged). */
    public static PrecheckReport unreadable(String why) {
        return new PrecheckReport(List.of(Check.notPassed("cluster-readable", Check.Severity.BLOCK, null,
                "the cluster could not be read: " + why)));
    }

    @JsonIgnore
    public List<Check> failed() {
        return checks.stream().filter(c -> c.result() == Check.Result.FAIL).toList();
    }

    @JsonIgnore
    public List<Check> warnings() {
        return checks.stream().filter(c -> c.result() == Check.Result.WARN).toList();
    }

    /** {@code blocked}, {@code warnings} or {@code passed}: what the console and the log show first. */
    @JsonProperty("verdict")
    public String verdict() {
        return !failed().isEmpty() ? "blocked" : !warnings().isEmpty() ? "warnings" : "passed";
    }

    /** Why this report stops an upgrade (failed checks, or warnings not accepted), or null when it may go on. */
    public String stopReason(boolean warningsAccepted) {
        if (!failed().isEmpty()) {
            return "pre-checks failed: " + String.join("; ", failed().stream().map(Check::line).toList());
        }
        if (!warnings().isEmpty() && !warningsAccepted) {
            return "pre-check warnings not accepted (acceptWarnings): "
                    + String.join("; ", warnings().stream().map(Check::line).toList());
        }
        return null;
    }

    /** One line for the upgrade log: counts and every check that did not pass. */
    public String summary() {
        StringBuilder line = new StringBuilder("pre-checks: ").append(checks.size()).append(" run, ")
                .append(failed().size()).append(" failed, ").append(warnings().size()).append(" warnings");
        checks.stream().filter(c -> c.result() != Check.Result.PASS)
                .forEach(c -> line.append("; ").append(c.result().json()).append(' ').append(c.line()));
        return line.toString();
    }
}
