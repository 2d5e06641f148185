package io.upshift.upgrade;

/**
 * Progress of a {@link DagRunner} run. Calls are never concurrent (the run is driven by one
 * completion at a time) but may come from any thread: the one that completed a node's future.
 * An exception thrown here is logged and does not disturb the run.
 */
public interface DagListener<R> {

    default void onStart(String node) {
    }

    /** Exactly one of {@code result} and {@code error} is meaningful: {@code error} is null on success. */
    default void onFinish(String node, R result, Throwable error) {
    }
}
