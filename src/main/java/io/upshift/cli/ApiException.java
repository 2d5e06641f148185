package io.upshift.cli;

import java.util.List;

/** Upshift refused a request: its status, error code and every reason, as the server said them. */
public class ApiException extends RuntimeException {

    private final int status;
    private final List<String> reasons;

    public ApiException(int status, String error, List<String> reasons) {
        super(error);
        this.status = status;
        this.reasons = List.copyOf(reasons);
    }

    public int status() {
        return status;
    }

    public List<String> reasons() {
        return reasons;
    }
}
