package io.upshift;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Input Upshift refuses, with the HTTP status that says why and every reason found. The error
 * handling turns it into a JSON answer ({@code {"error":…,"code":…,"reasons":[…]}}) for HTTP callers
 * and into a {@code <file>.errors.json} beside a rejected inbox file. Callers that must tell one
 * refusal from another (schedule outcomes, tests, the CLI) match on {@link #code()}, never on text.
 */
public class RejectedException extends RuntimeException {

    /** Why a request was refused: what callers match on. Each code has its HTTP status. */
    public enum Code {
        MALFORMED(400), BAD_REQUEST(400), RISK_NOT_ACCEPTED(400), WARNINGS_NOT_ACCEPTED(400),
        FORBIDDEN(403), NOT_FOUND(404), UNKNOWN_UPGRADE(404), UNKNOWN_VERSION(404), UNKNOWN_ACTION(404),
        CONFLICT(409), UPGRADE_IN_PROGRESS(409), ALREADY_AT_TARGET(409), VERSION_IN_USE(409),
        ACTION_NOT_ALLOWED(409), PRECHECK_FAILED(409),
        TOO_LARGE(413), UNSUPPORTED_MEDIA_TYPE(415),
        INVALID(422), CLUSTER_MISMATCH(422), NOT_SUPPORTED(422),
        SHUTTING_DOWN(503), STORAGE_UNAVAILABLE(503), ACTION_NOT_ANSWERED(504);

        private final int status;

        Code(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }

        /** The generic code of a status, for refusals that need no code of their own. */
        static Code of(int status) {
            return switch (status) {
                case 400 -> BAD_REQUEST;
                case 403 -> FORBIDDEN;
                case 404 -> NOT_FOUND;
                case 409 -> CONFLICT;
                case 413 -> TOO_LARGE;
                case 415 -> UNSUPPORTED_MEDIA_TYPE;
                case 422 -> INVALID;
                default -> throw new IllegalArgumentException("no refusal code for HTTP status " + status);
            };
        }
    }

    /** Most reasons one refusal lists. */
    public static final int MAX_REASONS = 100;

    private final Code code;
    private final int status;
    private final String error;
    private final List<String> reasons;
    private final Map<String, Object> details;

    public RejectedException(int status, String error, List<String> reasons) {
        this(Code.of(status), error, reasons, Map.of());
    }

    public RejectedException(int status, String error, List<String> reasons, Map<String, Object> details) {
        this(Code.of(status), error, reasons, details);
    }

    public RejectedException(Code code, String error, List<String> reasons) {
        this(code, error, reasons, Map.of());
    }

    public RejectedException(Code code, String error, List<String> reasons, Map<String, Object> details) {
        super(reasons.isEmpty() ? error : error + ": " + String.join("; ", capped(reasons)));
        this.code = code;
        this.status = code.status();
        this.error = error;
        this.reasons = capped(reasons);
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
        List<String> first = new ArrayList<>(reasons.subList(0, MAX_REASONS));
        first.add("and " + (reasons.size() - MAX_REASONS) + " more");
        return List.copyOf(first);
    }

    /** 400: the document could not be read at all (syntax). */
    public static RejectedException malformed(String what, List<String> reasons) {
        return new RejectedException(Code.MALFORMED, "malformed " + what, reasons);
    }

    /** 422: the document was read but its content is wrong. */
    public static RejectedException invalid(String what, List<String> reasons) {
        return new RejectedException(Code.INVALID, "invalid " + what, reasons);
    }

    /** 413: larger than the configured limit. */
    public static RejectedException tooLarge(long size, long maxBytes) {
        return new RejectedException(Code.TOO_LARGE, "too large",
                List.of("the document has " + size + " bytes; the limit is " + maxBytes + " (upshift.intake.max-bytes)"));
    }

    public Code code() {
        return code;
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

    /** The answer body: {@code error}, {@code code}, then {@code reasons} when there are any, then the details. */
    public Map<String, Object> body() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("code", code.name());
        if (!reasons.isEmpty()) {
            body.put("reasons", reasons);
        }
        body.putAll(details);
        return body;
    }
}
