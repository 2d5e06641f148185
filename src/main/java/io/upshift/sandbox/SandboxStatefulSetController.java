package io.upshift.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.upshift.kubernetes.Durations;
import io.upshift.kubernetes.StatefulSetRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's StatefulSet controller and kubelet, reduced to timing. Pods are real objects of the
 * API ({@code <name>-<ordinal>}, labelled with their {@code controller-revision-hash}), created and
 * deleted as the real controller does with {@code podManagementPolicy: OrderedReady} and
 * {@code RollingUpdate}: missing pods created in ordinal order, each once the one before is ready;
 * once all are ready, the highest ordinal not at the update revision (and not below
 * {@code partition}) deleted and created again at it, one pod at a time; surplus pods removed
 * highest ordinal first. A pod becomes ready after the readiness delay (or the StatefulSet's
 * {@value SandboxDeploymentController#READINESS_DELAY_ANNOTATION} annotation), never when an image
 * matches the broken-image pattern. A pod deleted by someone else is created again (at the update
 * revision when above the partition): how an operator unsticks a broken rollout. The status
 * (replicas, readyReplicas, availableReplicas, currentReplicas, updatedReplicas, currentRevision,
 * updateRevision, observedGeneration) is written through the status subresource. One thread owns it all.
 */
final class SandboxStatefulSetController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxStatefulSetController.class);
    private static final long NEVER = Long.MAX_VALUE;

    private final KubernetesClient client;
    private final Duration readinessDelay;
    private final Pattern brokenImage;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private SharedIndexInformer<StatefulSet> informer;
    private SharedIndexInformer<Pod> pods;

    /** One pod: the revision it runs and when it is (or gets) ready. */
    private record PodState(String revision, long readyAt, boolean markedReady) {
        boolean ready(long now) {
            return readyAt <= now;
        }
    }

    private static final class State {
        /** ordinal → pod; only this controller's thread touches it. */
        final TreeMap<Integer, PodState> pods = new TreeMap<>();
        String currentRevision;
        ScheduledFuture<?> wake;
    }

    SandboxStatefulSetController(KubernetesClient client, Duration readinessDelay, String brokenImagePattern, Clock clock) {
        this.client = client;
        this.readinessDelay = readinessDelay;
        this.brokenImage = brokenImagePattern == null || brokenImagePattern.isBlank() ? null
                : Pattern.compile(brokenImagePattern);
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sandbox-statefulset-controller");
            t.setDaemon(true);
            return t;
        });
    }

    void start() {
        informer = client.apps().statefulSets().inAnyNamespace().runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(StatefulSet s) {
                enqueue(key(s.getMetadata().getNamespace(), s.getMetadata().getName()));
            }

            @Override
            public void onUpdate(StatefulSet oldS, StatefulSet newS) {
                enqueue(key(newS.getMetadata().getNamespace(), newS.getMetadata().getName()));
            }

            @Override
            public void onDelete(StatefulSet s, boolean deletedFinalStateUnknown) {
                enqueue(key(s.getMetadata().getNamespace(), s.getMetadata().getName()));
            }
        });
        pods = client.pods().inAnyNamespace().withLabel(StatefulSetRules.POD_NAME_LABEL).runnableInformer(0);
        pods.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod p) {
            }

            @Override
            public void onUpdate(Pod oldP, Pod newP) {
            }

            @Override
            public void onDelete(Pod p, boolean deletedFinalStateUnknown) {
                thread.execute(() -> deletedElsewhere(p));
            }
        });
        pods.run();
        informer.run();
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.stop();
        }
        if (pods != null) {
            pods.stop();
        }
        thread.shutdownNow();
    }

    private static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    private void enqueue(String key) {
        thread.execute(() -> reconcile(key));
    }

    /** A pod someone else deleted: forgotten, so that the next reconcile creates it again. */
    private void deletedElsewhere(Pod p) {
        String owner = p.getMetadata().getOwnerReferences() == null ? null : p.getMetadata().getOwnerReferences().stream()
                .filter(o -> "StatefulSet".equals(o.getKind())).map(o -> o.getName()).findFirst().orElse(null);
        if (owner == null) {
            return;
        }
        String key = key(p.getMetadata().getNamespace(), owner);
        State st = states.get(key);
        int ordinal = ordinal(p.getMetadata().getName());
        PodState known = st == null ? null : st.pods.get(ordinal);
        if (known != null && Objects.equals(known.revision(), revisionOf(p))) {
            st.pods.remove(ordinal);
            reconcile(key);
        }
    }

    private void reconcile(String key) {
        StatefulSet s = informer.getStore().getByKey(key);
        if (s == null) {
            State gone = states.remove(key);
            if (gone != null && gone.wake != null) {
                gone.wake.cancel(false);
            }
            return;
        }
        try {
            reconcile(key, s);
        } catch (RuntimeException e) {
            LOG.warn("Sandbox controller could not reconcile StatefulSet {}: {}", key, e.getMessage());
        }
    }

    private void reconcile(String key, StatefulSet s) {
        long now = clock.millis();
        String updateRevision = revision(s);
        State st = states.computeIfAbsent(key, k -> new State());
        if (st.currentRevision == null) {
            st.currentRevision = updateRevision;
        }
        markReady(s, st, now);
        step(s, st, updateRevision, now);
        int desired = StatefulSetRules.desiredReplicas(s);
        long updated = st.pods.values().stream().filter(p -> p.revision().equals(updateRevision)).count();
        if (updated == desired && st.pods.size() == desired) {
            st.currentRevision = updateRevision; // every pod runs the update: it is the current revision now
        }
        StatefulSetStatus status = status(s, st, updateRevision, now);
        if (!status.equals(s.getStatus())) {
            writeStatus(key, s, status);
        }
        scheduleWake(key, st, now);
    }

    /** One step of OrderedReady + RollingUpdate: at most one pod created, replaced or removed. */
    private void step(StatefulSet s, State st, String updateRevision, long now) {
        int desired = StatefulSetRules.desiredReplicas(s);
        int partition = StatefulSetRules.partition(s);
        if (!st.pods.isEmpty() && st.pods.lastKey() >= desired) {
            deletePod(s, st, st.pods.lastKey()); // scale down: highest ordinal first
            return;
        }
        for (int i = 0; i < desired; i++) {
            PodState p = st.pods.get(i);
            if (p == null) {
                createPod(s, st, i, i >= partition ? updateRevision : st.currentRevision, now);
                return;
            }
            if (!p.ready(now)) {
                return; // OrderedReady: wait for this one
            }
        }
        if (StatefulSetRules.onDelete(s)) {
            return;
        }
        for (int i = desired - 1; i >= partition; i--) {
            if (!st.pods.get(i).revision().equals(updateRevision)) {
                deletePod(s, st, i);
                createPod(s, st, i, updateRevision, now);
                return;
            }
        }
    }

    /** Pods whose moment came are written Ready (what a kubelet reports). */
    private void markReady(StatefulSet s, State st, long now) {
        for (var e : new TreeMap<>(st.pods).entrySet()) {
            PodState p = e.getValue();
            if (p.ready(now) && !p.markedReady()) {
                Pod pod = client.pods().inNamespace(s.getMetadata().getNamespace()).withName(podName(s, e.getKey())).get();
                if (pod != null) {
                    pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running")
                            .withConditions(new PodConditionBuilder().withType("Ready").withStatus("True")
                                    .withLastTransitionTime(time(now)).build())
                            .build());
                    client.pods().inNamespace(s.getMetadata().getNamespace()).resource(pod).updateStatus();
                }
                st.pods.put(e.getKey(), new PodState(p.revision(), p.readyAt(), true));
            }
        }
    }

    private void createPod(StatefulSet s, State st, int ordinal, String revision, long now) {
        String name = podName(s, ordinal);
        Map<String, String> labels = new HashMap<>();
        if (s.getSpec().getTemplate().getMetadata() != null && s.getSpec().getTemplate().getMetadata().getLabels() != null) {
            labels.putAll(s.getSpec().getTemplate().getMetadata().getLabels());
        }
        labels.put(StatefulSetRules.REVISION_LABEL, revision);
        labels.put(StatefulSetRules.POD_NAME_LABEL, name);
        labels.put("apps.kubernetes.io/pod-index", Integer.toString(ordinal));
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(s.getMetadata().getNamespace())
                .withLabels(labels).withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1")
                        .withKind("StatefulSet").withName(s.getMetadata().getName()).withUid(s.getMetadata().getUid())
                        .withController(true).build())
                .endMetadata().withSpec(s.getSpec().getTemplate().getSpec())
                .withNewStatus().withPhase("Pending").endStatus().build();
        client.pods().inNamespace(s.getMetadata().getNamespace()).resource(pod).create();
        boolean broken = revision.equals(revision(s)) ? broken(s) : false;
        st.pods.put(ordinal, new PodState(revision, broken ? NEVER : now + delay(s).toMillis(), false));
    }

    private void deletePod(StatefulSet s, State st, int ordinal) {
        st.pods.remove(ordinal);
        try {
            client.pods().inNamespace(s.getMetadata().getNamespace()).withName(podName(s, ordinal)).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    private StatefulSetStatus status(StatefulSet s, State st, String updateRevision, long now) {
        int ready = (int) st.pods.values().stream().filter(p -> p.ready(now)).count();
        int current = (int) st.pods.values().stream().filter(p -> p.revision().equals(st.currentRevision)).count();
        int updated = (int) st.pods.values().stream().filter(p -> p.revision().equals(updateRevision)).count();
        StatefulSetStatus status = new StatefulSetStatus();
        status.setObservedGeneration(StatefulSetRules.generation(s));
        status.setReplicas(st.pods.size());
        status.setReadyReplicas(nz(ready));
        status.setAvailableReplicas(ready);
        status.setCurrentReplicas(nz(current));
        status.setUpdatedReplicas(nz(updated));
        status.setCurrentRevision(st.currentRevision);
        status.setUpdateRevision(updateRevision);
        status.setCollisionCount(0);
        return status;
    }

    private void writeStatus(String key, StatefulSet s, StatefulSetStatus status) {
        StatefulSet copy = new StatefulSetBuilder(s).withStatus(status).build();
        try {
            client.apps().statefulSets().inNamespace(s.getMetadata().getNamespace()).resource(copy).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            enqueue(key); // our cached copy was stale: the informer's next event brings the fresh one
        }
    }

    private void scheduleWake(String key, State st, long now) {
        if (st.wake != null) {
            st.wake.cancel(false);
            st.wake = null;
        }
        long next = st.pods.values().stream().mapToLong(PodState::readyAt).filter(t -> t > now && t != NEVER).min()
                .orElse(NEVER);
        if (next != NEVER) {
            st.wake = thread.schedule(() -> reconcile(key), next - now, TimeUnit.MILLISECONDS);
        }
    }

    private boolean broken(StatefulSet s) {
        String annotated = annotation(s, SandboxDeploymentController.BROKEN_IMAGE_ANNOTATION);
        for (Container c : s.getSpec().getTemplate().getSpec().getContainers()) {
            String image = Objects.toString(c.getImage(), "");
            if (brokenImage != null && brokenImage.matcher(image).matches()
                    || annotated != null && (annotated.equals(image) || image.matches(annotated))) {
                return true;
            }
        }
        return false;
    }

    private Duration delay(StatefulSet s) {
        String annotated = annotation(s, SandboxDeploymentController.READINESS_DELAY_ANNOTATION);
        return annotated == null ? readinessDelay : Durations.parse(annotated);
    }

    private static String annotation(StatefulSet s, String name) {
        Map<String, String> annotations = s.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(name);
    }

    /** {@code <name>-<hash of the pod template>}, like a ControllerRevision's name. */
    private String revision(StatefulSet s) {
        String json = client.getKubernetesSerialization().asJson(s.getSpec().getTemplate());
        return s.getMetadata().getName() + "-" + Integer.toHexString(json.hashCode());
    }

    private static String revisionOf(Pod p) {
        return p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get(StatefulSetRules.REVISION_LABEL);
    }

    static String podName(StatefulSet s, int ordinal) {
        return s.getMetadata().getName() + "-" + ordinal;
    }

    private static int ordinal(String podName) {
        return Integer.parseInt(podName.substring(podName.lastIndexOf('-') + 1));
    }

    private static String time(long millis) {
        return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static Integer nz(int i) {
        return i == 0 ? null : i;
    }
}
