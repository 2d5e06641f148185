package io.upshift.kubernetes;

/** The rollout did not complete in time; the message carries the Deployment's Progressing condition. */
public class RolloutTimeoutException extends RolloutException {

    public RolloutTimeoutException(String message) {
        super(message);
    }
}
