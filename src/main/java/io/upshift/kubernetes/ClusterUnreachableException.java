package io.upshift.kubernetes;

/** The API server could not be reached, even after the configured retries. */
public class ClusterUnreachableException extends RolloutException {

    public ClusterUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
