package io.upshift.web;

import java.util.List;

import io.upshift.RejectedException;

/**
 * The paging parameters of list and log requests, checked where they come in (HTTP query
 * parameters, as text): a number in its range, or 400 naming the parameter. Absent ones stay
 * null (the store's defaults). {@code page × size} always fits the database's OFFSET.
 */
public final class Paging {

    public static final int MAX_PAGE = 1_000_000;
    public static final int MAX_SIZE = 200;
    public static final int MAX_AFTER = Integer.MAX_VALUE;

    private Paging() {
    }

    /** {@code ?page=}: 1 to {@value #MAX_PAGE}. */
    public static Integer page(String text) {
        return bounded("page", text, 1, MAX_PAGE);
    }

    /** {@code ?size=}: 1 to {@value #MAX_SIZE}. */
    public static Integer size(String text) {
        return bounded("size", text, 1, MAX_SIZE);
    }

    /** {@code ?after=}: a log line number, 0 or more. */
    public static Integer after(String text) {
        return bounded("after", text, 0, MAX_AFTER);
    }

    private static Integer bounded(String name, String text, long min, long max) {
        if (text == null || text.isBlank()) {
            return null;
        }
        long value;
        try {
            value = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            value = Long.MIN_VALUE;
        }
        if (value < min || value > max) {
            throw new RejectedException(400, "invalid parameter",
                    List.of(name + " must be a whole number from " + min + " to " + max));
        }
        return (int) value;
    }
}
