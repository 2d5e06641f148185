package io.upshift.kubernetes;

/** The API server refused the request (403/401): the service account lacks a permission. */
public class RolloutForbiddenException extends RolloutException {

    public RolloutForbiddenException(String message, Throwable cause) {
        super(message, cause);
    }
}
