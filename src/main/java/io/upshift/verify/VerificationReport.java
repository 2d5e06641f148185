package io.upshift.verify;

import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * What the {@code VERIFYING} stage found: each verified service's checks (services that declare no
 * check are not listed), and when it finished. It passed when every check passed.
 */
public record VerificationReport(List<ServiceChecks> services, Instant finishedAt) {

    public VerificationReport {
        services = services == null ? List.of() : List.copyOf(services);
    }

    /** The checks could not be run at all (e.g. the version config is unreadable): one failed entry. */
    public static VerificationReport unrunnable(String reason, Instant at) {
        return new VerificationReport(List.of(new ServiceChecks("(all)", List.of(new CheckResult("verify",
                CheckResult.FAIL, reason, at)))), at);
    }

    @JsonIgnore
    public boolean passed() {
        return services.stream().allMatch(ServiceChecks::passed);
    }

    @JsonIgnore
    public boolean isEmpty() {
        return services.isEmpty();
    }

    /** The checks that failed, as {@code service: check: detail}, in dependency order. */
    @JsonIgnore
    public List<String> failures() {
        return services.stream().flatMap(s -> s.checks().stream().filter(c -> CheckResult.FAIL.equals(c.result()))
                .map(c -> s.service() + ": " + c.check() + ": " + c.detail())).toList();
    }

    /** One line for the log: {@code verification: 3 checks on 2 services, 3 passed}. */
    @JsonIgnore
    public String summary() {
        long checks = services.stream().mapToLong(s -> s.checks().size()).sum();
        long passed = services.stream().flatMap(s -> s.checks().stream()).filter(CheckResult::passed).count();
        long skipped = services.stream().flatMap(s -> s.checks().stream())
                .filter(c -> CheckResult.SKIPPED.equals(c.result())).count();
        return "verification: " + checks + (checks == 1 ? " check" : " checks") + " on " + services.size()
                + (services.size() == 1 ? " service, " : " services, ") + passed + " passed"
                + (passed == checks ? "" : ", " + (checks - passed - skipped) + " failed"
                        + (skipped == 0 ? "" : ", " + skipped + " skipped"));
    }

    /** The failures joined, for the record's message. */
    @JsonIgnore
    public String failure() {
        return failures().stream().collect(Collectors.joining("; "));
    }
}
