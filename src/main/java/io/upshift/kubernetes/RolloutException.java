package io.upshift.kubernetes;

/** A service step that failed; the message is written for the upgrade log. */
public class RolloutException extends RuntimeException {

    public RolloutException(String message) {
        super(message);
    }

    public RolloutException(String message, Throwable cause) {
        super(message, cause);
    }
}
