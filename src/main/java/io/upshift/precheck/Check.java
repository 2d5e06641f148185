package io.upshift.precheck;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * One pre-check's verdict for one service: {@code id} (such as {@code surge-capacity}), whether a
 * failure blocks the upgrade or only warns, the result, and a detail naming the service and the numbers.
 */
public record Check(String id, Severity severity, Result result, String service, String detail) {

    public enum Severity {
        BLOCK, WARN;

        @JsonValue
        public String json() {
            return name().toLowerCase();
        }
    }

    public enum Result {
        PASS, WARN, FAIL;

        @JsonValue
        public String json() {
            return name().toLowerCase();
        }
    }

    public static Check pass(String id, Severity severity, String service, String detail) {
        return new Check(id, severity, Result.PASS, service, detail);
    }

    /** Not passed: a blocking check fails, a warning check warns. */
    public static Check notPassed(String id, Severity severity, String service, String detail) {
        return new Check(id, severity, severity == Severity.BLOCK ? Result.FAIL : Result.WARN, service, detail);
    }

    public static Check of(boolean passed, String id, Severity severity, String service, String detail) {
        return passed ? pass(id, severity, service, detail) : notPassed(id, severity, service, detail);
    }

    /** {@code id: detail}, as a refusal lists it. */
    public String line() {
        return id + ": " + detail;
    }
}
