package io.upshift.sandbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDeployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.upshift.kubernetes.DeploymentRules;
import io.upshift.kubernetes.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's deployment controller: what kube-controller-manager does for Deployments, reduced
 * to counting pods. It keeps simulated pods per Deployment (template hash + the moment each becomes
 * ready) and on every change rolls them the way Kubernetes does — new pods only as {@code maxSurge}
 * allows, old ones removed only as {@code maxUnavailable} allows — then writes the status through
 * the status subresource. An informer feeds it; one scheduler thread owns all state and wakes it
 * when a pod becomes ready or a progress deadline passes (no thread per rollout).
 */
public class SandboxDeploymentController implements AutoCloseable {

    public static final String READINESS_DELAY_ANNOTATION = "upshift.io/readiness-delay";
    public static final String BROKEN_IMAGE_ANNOTATION = "upshift.io/broken-image";

    private static final Logger LOG = LoggerFactory.getLogger(SandboxDeploymentController.class);
    private static final long NEVER = Long.MAX_VALUE;
    private static final String ADOPTED = "adopted";

    private final KubernetesClient client;
    private final Duration readinessDelay;
    private final Pattern brokenImage;
    private final Clock clock;
    /**
     * One single-threaded executor per shard: a Deployment always lands on the same shard, so its
     * reconciles never overlap, while different Deployments write their status in parallel (the
     * status writes are HTTP calls: one thread for all made concurrent rollouts wait on each other).
     */
    private final ScheduledExecutorService[] shards;
    /** Each entry is touched only by its Deployment's shard; the map itself is shared. */
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private SharedIndexInformer<Deployment> informer;

    /** One simulated pod: its template hash and when it becomes ready ({@link #NEVER} for a broken image). */
    private record Pod(String hash, long readyAt) {
        boolean ready(long now) {
            return readyAt <= now;
        }
    }

    private static final class State {
        final List<Pod> pods = new ArrayList<>();
        String hash;
        long generation = -1;
        long lastProgress;
        int lastReady = -1;
        ScheduledFuture<?> wake;
    }

    private static final int SHARDS = 8;

    public SandboxDeploymentController(KubernetesClient client, Duration readinessDelay, String brokenImagePattern,
            Clock clock) {
        this.client = client;
        this.readinessDelay = readinessDelay;
        this.brokenImage = brokenImagePattern == null || brokenImagePattern.isBlank() ? null
                : Pattern.compile(brokenImagePattern);
        this.clock = clock;
        this.shards = new ScheduledExecutorService[SHARDS];
        for (int i = 0; i < SHARDS; i++) {
            String name = "sandbox-deployment-controller-" + i;
            shards[i] = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
        }
    }

    public void start() {
        informer = client.apps().deployments().inAnyNamespace().runnableInformer(0);
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Deployment d) {
                enqueue(d);
            }

            @Override
            public void onUpdate(Deployment oldD, Deployment newD) {
                enqueue(newD);
            }

            @Override
            public void onDelete(Deployment d, boolean deletedFinalStateUnknown) {
                enqueue(d);
            }
        });
        informer.run();
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.stop();
        }
        for (ScheduledExecutorService shard : shards) {
            shard.shutdownNow();
        }
    }

    private ScheduledExecutorService executor(String key) {
        return shards[Math.floorMod(key.hashCode(), shards.length)];
    }

    private static String key(Deployment d) {
        return d.getMetadata().getNamespace() + "/" + d.getMetadata().getName();
    }

    private void enqueue(Deployment d) {
        String key = key(d);
        executor(key).execute(() -> reconcile(key));
    }

    private void reconcile(String key) {
        Deployment d = informer.getStore().getByKey(key);
        if (d == null) {
            State gone = states.remove(key);
            if (gone != null && gone.wake != null) {
                gone.wake.cancel(false);
            }
            return;
        }
        reconcile(key, d);
    }

    private void reconcile(String key, Deployment d) {
        try {
            long now = clock.millis();
            State st = states.computeIfAbsent(key, k -> adopt(d, now));
            String hash = templateHash(d);
            long generation = DeploymentRules.generation(d);
            if (!hash.equals(st.hash) || generation != st.generation) {
                st.hash = hash;
                st.generation = generation;
                st.lastProgress = now;
            }
            boolean changed = roll(d, st, now);
            int ready = (int) st.pods.stream().filter(p -> p.ready(now)).count();
            if (changed || ready != st.lastReady) {
                st.lastReady = ready;
                st.lastProgress = now;
            }
            DeploymentStatus status = status(d, st, now);
            if (!status.equals(d.getStatus())) {
                writeStatus(key, d, status);
            }
            scheduleWake(key, d, st, now);
        } catch (RuntimeException e) {
            LOG.warn("Sandbox controller could not reconcile Deployment {}: {}", key, e.getMessage());
        }
    }

    private void writeStatus(String key, Deployment d, DeploymentStatus status) {
        Deployment copy = new DeploymentBuilder(d).withStatus(status).build();
        try {
            client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(copy).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // Our cached copy was stale: re-read and reconcile the fresh one.
            Deployment fresh = client.apps().deployments().inNamespace(d.getMetadata().getNamespace())
                    .withName(d.getMetadata().getName()).get();
            if (fresh != null) {
                executor(key).execute(() -> reconcile(key, fresh));
            }
        }
    }

    /** First sight of a Deployment (e.g. a seeded one): its status says how many pods run and are ready. */
    private State adopt(Deployment d, long now) {
        State st = new State();
        st.hash = templateHash(d);
        st.lastProgress = now;
        DeploymentStatus s = d.getStatus();
        if (s != null) {
            boolean current = DeploymentRules.observed(d, DeploymentRules.generation(d));
            int total = n(s.getReplicas());
            int updated = current ? n(s.getUpdatedReplicas()) : 0;
            int ready = n(s.getReadyReplicas());
            for (int i = 0; i < total; i++) {
                st.pods.add(new Pod(i < updated ? st.hash : ADOPTED, i < ready ? 0 : now + delay(d).toMillis()));
            }
        }
        return st;
    }

    /** Brings the pods one or more steps towards the spec; true when a pod was added or removed. */
    private boolean roll(Deployment d, State st, long now) {
        int desired = DeploymentRules.desiredReplicas(d);
        DeploymentStrategy strategy = d.getSpec().getStrategy();
        if (strategy != null && "Recreate".equals(strategy.getType())) {
            if (st.pods.stream().anyMatch(p -> !p.hash().equals(st.hash))) {
                st.pods.removeIf(p -> !p.hash().equals(st.hash));
                return true;
            }
            return scaleCurrent(d, st, desired, now);
        }
        int surge = maxSurge(d, desired);
        int unavailable = maxUnavailable(d, desired);
        boolean changed = false;
        for (int guard = 0; guard < 10_000; guard++) {
            boolean step = scaleNew(d, st, desired, surge, now) | scaleOld(st, desired, unavailable, now);
            if (!step) {
                break;
            }
            changed = true;
        }
        return changed;
    }

    private boolean scaleNew(Deployment d, State st, int desired, int surge, long now) {
        long current = st.pods.stream().filter(p -> p.hash().equals(st.hash)).count();
        boolean rolling = current < st.pods.size();
        if (!rolling || current > desired) {
            return scaleCurrent(d, st, desired, now);
        }
        int room = (int) Math.min(desired - current, desired + surge - st.pods.size());
        for (int i = 0; i < room; i++) {
            st.pods.add(newPod(d, st.hash, now));
        }
        return room > 0;
    }

    /** Scales the pods of the current template to the desired count (unready ones go first). */
    private boolean scaleCurrent(Deployment d, State st, int desired, long now) {
        List<Pod> current = st.pods.stream().filter(p -> p.hash().equals(st.hash)).toList();
        if (current.size() < desired) {
            for (int i = current.size(); i < desired; i++) {
                st.pods.add(newPod(d, st.hash, now));
            }
            return true;
        }
        int excess = current.size() - desired;
        if (excess <= 0) {
            return false;
        }
        List<Pod> victims = new ArrayList<>(current.stream().filter(p -> !p.ready(now)).toList());
        victims.addAll(current.stream().filter(p -> p.ready(now)).toList());
        victims.subList(excess, victims.size()).clear();
        victims.forEach(st.pods::remove);
        return true;
    }

    /** Removes old pods, never taking available pods below {@code desired - maxUnavailable}. */
    private boolean scaleOld(State st, int desired, int maxUnavailable, long now) {
        List<Pod> old = st.pods.stream().filter(p -> !p.hash().equals(st.hash)).toList();
        if (old.isEmpty()) {
            return false;
        }
        int minAvailable = desired - maxUnavailable;
        long newUnavailable = st.pods.stream().filter(p -> p.hash().equals(st.hash) && !p.ready(now)).count();
        long maxScaledDown = st.pods.size() - minAvailable - newUnavailable;
        if (maxScaledDown <= 0) {
            return false;
        }
        int removed = 0;
        for (Pod p : old) {
            if (removed < maxScaledDown && !p.ready(now)) {
                st.pods.remove(p);
                removed++;
            }
        }
        long available = st.pods.stream().filter(p -> p.ready(now)).count();
        long more = Math.min(available - minAvailable, maxScaledDown - removed);
        for (Pod p : old) {
            if (more > 0 && p.ready(now) && st.pods.remove(p)) {
                more--;
                removed++;
            }
        }
        return removed > 0;
    }

    private Pod newPod(Deployment d, String hash, long now) {
        return new Pod(hash, broken(d) ? NEVER : now + delay(d).toMillis());
    }

    /** Deployments whose new pods never get ready (a sandbox fault, {@link SandboxFaults#neverReady()}). */
    public void neverReady(java.util.function.Predicate<Deployment> deployments) {
        this.neverReady = deployments;
    }

    private volatile java.util.function.Predicate<Deployment> neverReady = d -> false;

    private boolean broken(Deployment d) {
        if (neverReady.test(d)) {
            return true;
        }
        String annotated = annotation(d, BROKEN_IMAGE_ANNOTATION);
        for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
            String image = Objects.toString(c.getImage(), "");
            if (brokenImage != null && brokenImage.matcher(image).matches()) {
                return true;
            }
            if (annotated != null && (annotated.equals(image) || image.matches(annotated))) {
                return true;
            }
        }
        return false;
    }

    private Duration delay(Deployment d) {
        String annotated = annotation(d, READINESS_DELAY_ANNOTATION);
        return annotated == null ? readinessDelay : Durations.parse(annotated);
    }

    private static String annotation(Deployment d, String name) {
        Map<String, String> annotations = d.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(name);
    }

    private static int maxSurge(Deployment d, int desired) {
        RollingUpdateDeployment ru = rollingUpdate(d);
        return DeploymentRules.resolve(ru == null ? null : ru.getMaxSurge(), desired, true, "25%");
    }

    private static int maxUnavailable(Deployment d, int desired) {
        DeploymentStrategy strategy = d.getSpec().getStrategy();
        if (strategy != null && "Recreate".equals(strategy.getType())) {
            return 0;
        }
        RollingUpdateDeployment ru = rollingUpdate(d);
        int unavailable = DeploymentRules.resolve(ru == null ? null : ru.getMaxUnavailable(), desired, false, "25%");
        // Kubernetes forbids surge and unavailable both 0; it would otherwise never make progress.
        return unavailable == 0 && maxSurge(d, desired) == 0 ? 1 : Math.min(unavailable, desired);
    }

    private static RollingUpdateDeployment rollingUpdate(Deployment d) {
        DeploymentStrategy strategy = d.getSpec().getStrategy();
        return strategy == null ? null : strategy.getRollingUpdate();
    }

    private DeploymentStatus status(Deployment d, State st, long now) {
        int desired = DeploymentRules.desiredReplicas(d);
        int total = st.pods.size();
        int updated = (int) st.pods.stream().filter(p -> p.hash().equals(st.hash)).count();
        int ready = (int) st.pods.stream().filter(p -> p.ready(now)).count();
        boolean complete = updated == desired && total == desired && ready == desired;
        boolean timedOut = !complete
                && now - st.lastProgress > DeploymentRules.progressDeadlineSeconds(d) * 1000L;
        String replicaSet = "\"" + d.getMetadata().getName() + "-" + st.hash + "\"";

        DeploymentCondition progressing;
        if (complete) {
            progressing = condition(d, "Progressing", "True", "NewReplicaSetAvailable",
                    "ReplicaSet " + replicaSet + " has successfully progressed.", st.lastProgress, now);
        } else if (timedOut) {
            progressing = condition(d, "Progressing", "False", DeploymentRules.PROGRESS_DEADLINE_EXCEEDED,
                    "ReplicaSet " + replicaSet + " has timed out progressing.", st.lastProgress, now);
        } else {
            progressing = condition(d, "Progressing", "True", "ReplicaSetUpdated",
                    "ReplicaSet " + replicaSet + " is progressing.", st.lastProgress, now);
        }
        boolean minimum = ready >= desired - maxUnavailable(d, desired);
        DeploymentCondition available = minimum
                ? condition(d, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.",
                        -1, now)
                : condition(d, "Available", "False", "MinimumReplicasUnavailable",
                        "Deployment does not have minimum availability.", -1, now);

        DeploymentStatus status = new DeploymentStatus();
        status.setObservedGeneration(st.generation);
        status.setReplicas(nz(total));
        status.setUpdatedReplicas(nz(updated));
        status.setReadyReplicas(nz(ready));
        status.setAvailableReplicas(nz(ready));
        status.setUnavailableReplicas(nz(Math.max(0, desired - ready)));
        status.setConditions(List.of(available, progressing));
        return status;
    }

    /** A condition that keeps its transition time while its status and reason stay the same. */
    private static DeploymentCondition condition(Deployment d, String type, String status, String reason,
            String message, long updatedAt, long now) {
        DeploymentCondition previous = DeploymentRules.condition(d, type).orElse(null);
        boolean same = previous != null && status.equals(previous.getStatus()) && reason.equals(previous.getReason());
        String transition = same && previous.getLastTransitionTime() != null ? previous.getLastTransitionTime()
                : time(now);
        String update = updatedAt >= 0 ? time(updatedAt) : transition;
        return new DeploymentConditionBuilder().withType(type).withStatus(status).withReason(reason)
                .withMessage(message).withLastTransitionTime(transition).withLastUpdateTime(update).build();
    }

    private void scheduleWake(String key, Deployment d, State st, long now) {
        if (st.wake != null) {
            st.wake.cancel(false);
            st.wake = null;
        }
        long next = NEVER;
        for (Pod p : st.pods) {
            if (p.readyAt() > now && p.readyAt() != NEVER) {
                next = Math.min(next, p.readyAt());
            }
        }
        long deadline = st.lastProgress + DeploymentRules.progressDeadlineSeconds(d) * 1000L + 1;
        int desired = DeploymentRules.desiredReplicas(d);
        boolean complete = st.pods.size() == desired
                && st.pods.stream().allMatch(p -> p.hash().equals(st.hash) && p.ready(now));
        if (!complete && deadline > now) {
            next = Math.min(next, deadline);
        }
        if (next != NEVER) {
            st.wake = executor(key).schedule(() -> reconcile(key), next - now, TimeUnit.MILLISECONDS);
        }
    }

    /** Stable per pod template, like the pod-template-hash label (annotations and replicas do not count). */
    private String templateHash(Deployment d) {
        String json = client.getKubernetesSerialization().asJson(d.getSpec().getTemplate());
        return Integer.toHexString(json.hashCode());
    }

    private static String time(long millis) {
        return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static int n(Integer i) {
        return i == null ? 0 : i;
    }

    /** Kubernetes omits zero counts from the status. */
    private static Integer nz(int i) {
        return i == 0 ? null : i;
    }
}
