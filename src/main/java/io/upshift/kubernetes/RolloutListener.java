package io.upshift.kubernetes;

/** Receives the progress lines of a step while it waits, e.g. {@code gateway: 2/3 updated, 3 available}. */
@FunctionalInterface
public interface RolloutListener {

    /** Header under which a route may hand a listener to {@code direct:roll-service}. */
    String HEADER = "UpshiftRolloutListener";

    void progress(String message);
}
