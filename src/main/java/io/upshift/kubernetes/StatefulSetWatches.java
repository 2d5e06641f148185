package io.upshift.kubernetes;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The waits of {@link DeploymentWatches} on StatefulSets: one shared StatefulSet informer per
 * namespace, whose every event reaches the waiting steps as the StatefulSet's Deployment-shaped view
 * ({@link StatefulSetRules#asDeployment}), so a wait completes exactly when
 * {@link StatefulSetRules#rolledOut} holds at the generation the step wrote. No thread is held.
 */
final class StatefulSetWatches extends DeploymentWatches {

    private final KubernetesClient client;
    private final int progressDeadlineSeconds;
    private final Map<String, SharedIndexInformer<StatefulSet>> informers = new ConcurrentHashMap<>();

    /** {@code progressDeadlineSeconds}: how long a wait sees no progress before it fails (StatefulSets have no deadline of their own). */
    StatefulSetWatches(KubernetesClient client, ScheduledExecutorService timers, int progressDeadlineSeconds) {
        super(client, timers);
        this.client = client;
        this.progressDeadlineSeconds = progressDeadlineSeconds;
    }

    @Override
    String kindName() {
        return "StatefulSet";
    }

    Deployment view(StatefulSet s) {
        return StatefulSetRules.asDeployment(s, progressDeadlineSeconds);
    }

    @Override
    void ensureInformer(String namespace) {
        informers.computeIfAbsent(namespace, ns -> {
            SharedIndexInformer<StatefulSet> informer = client.apps().statefulSets().inNamespace(ns).runnableInformer(0);
            informer.addEventHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(StatefulSet s) {
                    dispatch(key(s), view(s));
                }

                @Override
                public void onUpdate(StatefulSet oldS, StatefulSet newS) {
                    dispatch(key(newS), view(newS));
                }

                @Override
                public void onDelete(StatefulSet s, boolean deletedFinalStateUnknown) {
                    dispatch(key(s), null);
                }
            });
            try {
                informer.run();
            } catch (RuntimeException e) {
                informer.stop();
                throw e;
            }
            return informer;
        });
    }

    private static String key(StatefulSet s) {
        return s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
    }

    @Override
    boolean current(String namespace) {
        SharedIndexInformer<StatefulSet> informer = informers.get(namespace);
        return informer != null && informer.hasSynced() && informer.isWatching();
    }

    @Override
    Deployment cached(String key) {
        StatefulSet s = cachedStatefulSet(key);
        return s == null ? null : view(s);
    }

    /** The informer's copy of {@code namespace/name} (shared: never changed), null when it holds none. */
    StatefulSet cachedStatefulSet(String key) {
        SharedIndexInformer<StatefulSet> informer = informers.get(key.substring(0, key.indexOf('/')));
        return informer == null ? null : informer.getStore().getByKey(key);
    }

    @Override
    public void close() {
        informers.values().forEach(SharedIndexInformer::stop);
        informers.clear();
        super.close();
    }
}
