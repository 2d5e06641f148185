package io.upshift.kubernetes;

/**
 * Someone else changed a Deployment while Upshift rolled it (a newer generation than the one Upshift
 * wrote, with another image, or replicas where Upshift scaled to 0); the message names what changed.
 */
public class ForeignEditException extends RolloutException {

    public ForeignEditException(String message) {
        super(message);
    }
}
