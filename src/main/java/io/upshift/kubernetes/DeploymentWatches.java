package io.upshift.kubernetes;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shared Deployment informer per namespace, dispatching every event to the steps waiting on
 * that Deployment. A wait is a future plus a few counters: no thread is held while it waits.
 */
class DeploymentWatches implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeploymentWatches.class);

    private final KubernetesClient client;
    private final ScheduledExecutorService timers;
    private final Map<String, SharedIndexInformer<Deployment>> informers = new ConcurrentHashMap<>();
    private final Map<String, Set<Wait>> waits = new ConcurrentHashMap<>();

    enum Goal {
        /** Rolled out as {@code kubectl rollout status} judges it. */
        ROLLED_OUT,
        /** Scaled to 0 with no replica left. */
        SCALED_DOWN
    }

    DeploymentWatches(KubernetesClient client, ScheduledExecutorService timers) {
        this.client = client;
        this.timers = timers;
    }

    /** Starts the namespace's informer unless running; blocks until its first list, so call it from a worker. */
    void ensureInformer(String namespace) {
        informers.computeIfAbsent(namespace, ns -> {
            SharedIndexInformer<Deployment> informer = client.apps().deployments().inNamespace(ns).runnableInformer(0);
            informer.addEventHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Deployment d) {
                    dispatch(key(d), d);
                }

                @Override
                public void onUpdate(Deployment oldD, Deployment newD) {
                    dispatch(key(newD), newD);
                }

                @Override
                public void onDelete(Deployment d, boolean deletedFinalStateUnknown) {
                    dispatch(key(d), null);
                }
            });
            try {
                informer.run();
            } catch (RuntimeException e) {
                informer.stop();
                throw e;
            }
            LOG.debug("Watching Deployments in namespace {}", ns);
            return informer;
        });
    }

    private static String key(Deployment d) {
        return d.getMetadata().getNamespace() + "/" + d.getMetadata().getName();
    }

    /** What the waits' messages call the workload ({@link StatefulSetWatches} watches StatefulSets). */
    String kindName() {
        return "Deployment";
    }

    void dispatch(String key, Deployment d) {
        Set<Wait> set = waits.get(key);
        if (set != null) {
            set.forEach(w -> w.offer(d));
        }
    }

    /** True when the namespace's informer has listed its Deployments and its watch is up: its cache is current. */
    boolean current(String namespace) {
        SharedIndexInformer<Deployment> informer = informers.get(namespace);
        return informer != null && informer.hasSynced() && informer.isWatching();
    }

    /** The informer's copy of {@code namespace/name} (shared: never changed), null when it holds none. */
    Deployment cached(String key) {
        String namespace = key.substring(0, key.indexOf('/'));
        SharedIndexInformer<Deployment> informer = informers.get(namespace);
        return informer == null ? null : informer.getStore().getByKey(key);
    }

    /**
     * Registers a wait before the change is applied, so that the lowest availability is seen from the
     * start; it can complete only once {@link Wait#target} names the generation of the change.
     */
    Wait register(String namespace, String name, String service, Goal goal, RolloutListener listener,
            Duration overallTimeout) {
        String key = namespace + "/" + name;
        Wait wait = new Wait(key, service, goal, listener);
        waits.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(wait);
        wait.future.whenComplete((d, e) -> {
            waits.computeIfPresent(key, (k, set) -> {
                set.remove(wait);
                return set.isEmpty() ? null : set;
            });
            wait.cancelTimers();
        });
        if (overallTimeout != null && !overallTimeout.isZero()) {
            wait.overall = timers.schedule(() -> wait.timeOut("within " + overallTimeout + " (upshift.rollout.timeout)"),
                    overallTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        Deployment current = cached(key);
        if (current != null) {
            wait.offer(current);
        }
        return wait;
    }

    @Override
    public void close() {
        informers.values().forEach(SharedIndexInformer::stop);
        informers.clear();
        waits.values().forEach(set -> set.forEach(w -> w.future.cancel(false)));
    }

    /** One step waiting for its Deployment; everything it sees comes from the shared informer. */
    final class Wait {
        final CompletableFuture<Deployment> future = new CompletableFuture<>();
        private final String key;
        private final String service;
        private final Goal goal;
        private final RolloutListener listener;
        private long generation = Long.MAX_VALUE;
        private Duration idleTimeout;
        private int minAvailable = Integer.MAX_VALUE;
        private String lastLine;
        private String lastCondition = "no Progressing condition reported";
        private ScheduledFuture<?> idle;
        private ScheduledFuture<?> overall;
        private java.util.function.Function<Deployment, String> foreign = d -> null;
        private Runnable observed;

        private Wait(String key, String service, Goal goal, RolloutListener listener) {
            this.key = key;
            this.service = service;
            this.goal = goal;
            this.listener = listener;
        }

        /** The change is applied: complete once the controller observed this generation and the goal holds. */
        synchronized void target(long generation, Duration idleTimeout) {
            this.generation = generation;
            this.idleTimeout = idleTimeout;
            resetIdle();
            Deployment current = cached(key);
            if (current != null) {
                offer(current);
            }
        }

        /**
         * What a newer generation than Upshift's may not have changed: {@code check} names the change (the
         * step then fails with a {@link ForeignEditException}), or answers null (e.g. an autoscaler changed the
         * replicas: the wait follows the newer generation).
         */
        synchronized void guard(java.util.function.Function<Deployment, String> check) {
            this.foreign = check;
        }

        /** Runs {@code action} once, when the controller first reports it observed the target generation. */
        synchronized void onObserved(Runnable action) {
            this.observed = action;
        }

        synchronized int minAvailable() {
            return minAvailable == Integer.MAX_VALUE ? 0 : minAvailable;
        }

        synchronized void offer(Deployment d) {
            if (future.isDone()) {
                return;
            }
            if (d == null) {
                String[] parts = key.split("/", 2);
                future.completeExceptionally(new DeploymentNotFoundException(parts[0], parts[1]));
                return;
            }
            minAvailable = Math.min(minAvailable, DeploymentRules.available(d));
            DeploymentRules.condition(d, "Progressing").map(DeploymentCondition::getMessage)
                    .ifPresent(m -> lastCondition = m);
            if (generation != Long.MAX_VALUE && DeploymentRules.generation(d) > generation) {
                String changed = foreign.apply(d);
                if (changed != null) {
                    future.completeExceptionally(new ForeignEditException(service + ": " + kindName() + " " + key
                            + " was changed by someone else while Upshift rolled it (generation "
                            + DeploymentRules.generation(d) + ", Upshift wrote " + generation + "): " + changed));
                    return;
                }
            }
            if (generation == Long.MAX_VALUE || !DeploymentRules.observed(d, generation)
                    || DeploymentRules.generation(d) < generation) {
                return;
            }
            if (observed != null) {
                Runnable first = observed;
                observed = null;
                first.run();
            }
            String line = DeploymentRules.progress(d);
            if (!line.equals(lastLine)) {
                lastLine = line;
                resetIdle();
                try {
                    listener.progress(service + ": " + line);
                } catch (RuntimeException e) {
                    LOG.warn("Rollout listener failed: {}", e.getMessage());
                }
            }
            boolean done = goal == Goal.ROLLED_OUT ? DeploymentRules.rolledOut(d) : DeploymentRules.scaledDown(d);
            if (done) {
                future.complete(d);
            } else if (DeploymentRules.deadlineExceeded(d)) {
                future.completeExceptionally(new RolloutTimeoutException(service + ": rollout of " + kindName() + " " + key
                        + " exceeded its progress deadline: " + lastCondition));
            }
        }

        private synchronized void timeOut(String what) {
            future.completeExceptionally(new RolloutTimeoutException(service + ": rollout of " + kindName() + " " + key
                    + " did not complete " + what + "; last seen " + (lastLine == null ? "nothing" : lastLine)
                    + ": " + lastCondition));
        }

        private void resetIdle() {
            if (idleTimeout == null || future.isDone()) {
                return;
            }
            if (idle != null) {
                idle.cancel(false);
            }
            idle = timers.schedule(() -> timeOut("with no progress for " + idleTimeout), idleTimeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        }

        private synchronized void cancelTimers() {
            if (idle != null) {
                idle.cancel(false);
            }
            if (overall != null) {
                overall.cancel(false);
            }
        }
    }
}
