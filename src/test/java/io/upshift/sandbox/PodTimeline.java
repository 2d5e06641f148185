package io.upshift.sandbox;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

/**
 * The pods of one workload ({@code app=<name>}) as a watch on the API server reports them, event by
 * event: which pods were deleted in which order, and the fewest ready pods at any moment after the
 * watch saw them all ready. Judged from every event, never by sampling.
 */
public final class PodTimeline implements AutoCloseable {

    private final Map<String, Boolean> ready = new HashMap<>();
    private final List<String> deleted = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final int replicas;
    private boolean allReadySeen;
    private int minReady = Integer.MAX_VALUE;
    private final Watch watch;

    /** Starts watching; the watch's initial ADDED events bring the pods that run now. */
    public PodTimeline(KubernetesClient client, String namespace, String app, int replicas) {
        this.replicas = replicas;
        this.watch = client.pods().inNamespace(namespace).withLabel("app", app).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                record(action, pod);
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        });
    }

    private synchronized void record(Watcher.Action action, Pod pod) {
        String name = pod.getMetadata().getName();
        events.add(action + " " + name + (isReady(pod) ? " ready" : ""));
        if (action == Watcher.Action.DELETED) {
            ready.remove(name);
            deleted.add(name);
        } else {
            ready.put(name, isReady(pod));
        }
        int now = (int) ready.values().stream().filter(Boolean::booleanValue).count();
        if (now >= replicas) {
            allReadySeen = true;
        }
        if (allReadySeen) {
            minReady = Math.min(minReady, now);
        }
    }

    private static boolean isReady(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
                .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** Pod names in the order they were deleted. */
    public synchronized List<String> deleted() {
        return List.copyOf(deleted);
    }

    /** The fewest ready pods seen once all were ready (MAX_VALUE: never all ready). */
    public synchronized int minReady() {
        return minReady;
    }

    public synchronized int readyNow() {
        return (int) ready.values().stream().filter(Boolean::booleanValue).count();
    }

    public synchronized List<String> events() {
        return List.copyOf(events);
    }

    @Override
    public void close() {
        watch.close();
    }
}
