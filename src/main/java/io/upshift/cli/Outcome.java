package io.upshift.cli;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How a followed upgrade ended, as an exit code for scripts and CI: 0 {@code SUCCEEDED}; 2
 * {@code FAILED} or {@code ROLLED_BACK}; 3 {@code STOPPED}, {@code FORCE_STOPPED} or
 * {@code CANCELLED}; 1 is for usage and connection errors (and an end this client does not know).
 */
public final class Outcome {

    public static final int OK = 0;
    public static final int ERROR = 1;
    public static final int FAILED = 2;
    public static final int STOPPED = 3;

    private static final Set<String> FAILURES = Set.of("FAILED", "ROLLED_BACK");
    private static final Set<String> STOPS = Set.of("STOPPED", "FORCE_STOPPED", "CANCELLED");

    private Outcome() {
    }

    /** True once the record has ended: a final state, or a finish time for a state this client does not know. */
    public static boolean ended(JsonNode record) {
        String state = record.path("state").asText();
        return state.equals("SUCCEEDED") || FAILURES.contains(state) || STOPS.contains(state)
                || !record.path("finishedAt").isMissingNode() && !record.path("finishedAt").isNull();
    }

    public static int exitCode(String state) {
        if (state.equals("SUCCEEDED")) {
            return OK;
        }
        if (FAILURES.contains(state)) {
            return FAILED;
        }
        return STOPS.contains(state) ? STOPPED : ERROR;
    }
}
