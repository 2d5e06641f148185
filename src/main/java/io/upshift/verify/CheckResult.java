package io.upshift.verify;

import java.time.Instant;

/**
 * One check of one service after the upgrade: {@code check} names it ({@code httpGet /healthz:8080},
 * {@code job registry/smoke:1}), {@code result} is {@code pass}, {@code fail} or {@code skipped}
 * (a dependency failed first), {@code detail} says what was seen (status, attempts, the Job's log tail).
 */
public record CheckResult(String check, String result, String detail, Instant at) {

    public static final String PASS = "pass";
    public static final String FAIL = "fail";
    public static final String SKIPPED = "skipped";

    public boolean passed() {
        return PASS.equals(result);
    }
}
