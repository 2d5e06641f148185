package io.upshift;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Input Upshift refuses, with the HTTP status that says why and every reason found. The error
 * handling turns it into a JSON answer ({@code {"error":…,"reasons":[…]}}) for HTTP callers and
 * into a {@code <file>.errors.json} beside a rejected inbox file.
 */
public class RejectedException extends RuntimeException {

    private final int status;
    /** Most reasons one refusal lists. */
    public static final int MAX_REASONS = 100;

    private final String error;
    private final List<String> reasons;
    private final Map<String, Object> details;

    public RejectedException(int status, String error, List<String> reasons) {
        this(status, error, reasons, Map.of());
    }

    public RejectedException(int status, String error, List<String> reasons, Map<String, Object> details) {
        this(status, error, capped(reasons), details, true);
    }

    private RejectedException(int status, String error, List<String> reasons, Map<String, Object> details, boolean capped) {
        super(reasons.isEmpty() ? error : error + ": " + String.join("; ", reasons));
        this.status = status;
        this.error = error;
        this.reasons = reasons;
        this.details = new LinkedHashMap<>(details);
    }

    /**
     * The first {@value #MAX_REASONS} reasons, then "and N more": an answer, an error file and a log
     * line stay small however broken the document.
     */
    static List<String> capped(List<String> reasons) {
        if (reasons.size() <= MAX_REASONS) {
            return List.copyOf(reasons);
        }
        List<String> first = new java.util.ArrayList<>(reasons.subList(0, MAX_REASONS));
        first.add("and " + (reasons.size() - MAX_REASONS) + " more");
        return List.copyOf(first);
    }

    /** 400: the document could not be read at all (syntax). */
    public static RejectedException malformed(String what, List<String> reasons) {
        return new RejectedException(400, "malformed " + what, reasons);
    }

    /** 422: the document was read but its content is wrong. */
    public static RejectedException invalid(String what, List<String> reasons) {
        return new RejectedException(422, "invalid " + what, reasons);
    }

    /** 413: larger than the configured limit. */
    public static RejectedException tooLarge(long size, long maxBytes) {
        return new RejectedException(413, "too large",
                List.of("the document has " + size + " bytes; the limit is " + maxBytes + " (upshift.intake.max-bytes)"));
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public List<String> reasons() {
        return reasons;
    }

    /** The answer body: {@code error}, then {@code reasons} when there are any, then the details. */
    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        if (!reasons.isEmpty()) {
            body.put("reasons", reasons);
        }
        body.putAll(details);
        return body;
    }
}
