package io.upshift.kubernetes;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.upshift.Failures;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rolls one service's Deployment to an image ({@link #execute}): patches it (JSON patch, guarded by
 * a {@code test} of the container's name) and waits, by watch, until Kubernetes reports it rolled
 * out. API calls run on a small worker pool with retries on a timer; waiting holds no thread.
 */
public class Rollouts extends ServiceSupport {

    public static final String UPGRADE_ID = "upshift.io/upgrade-id";
    public static final String TARGET_VERSION = "upshift.io/target-version";
    public static final String REPLICAS_BEFORE_DOWNTIME = "upshift.io/replicas-before-downtime";

    /**
     * {@code upshift.rollout.*} and the API retry settings. {@code timeout} bounds a whole step (zero: no
     * bound); {@code deadlineGrace} is added to the Deployment's progressDeadlineSeconds for the no-progress
     * bound, so that the controller's own ProgressDeadlineExceeded condition normally reports first.
     * {@code statefulSetProgressDeadline}: the no-progress bound of a StatefulSet step (StatefulSets have no
     * progressDeadlineSeconds; {@code deadlineGrace} is added too).
     */
    public record Settings(String maxUnavailable, String maxSurge, Duration timeout, Duration deadlineGrace,
            int retryAttempts, Duration retryBackoff, Duration statefulSetProgressDeadline) {

        public Settings(String maxUnavailable, String maxSurge, Duration timeout, Duration deadlineGrace,
                int retryAttempts, Duration retryBackoff) {
            this(maxUnavailable, maxSurge, timeout, deadlineGrace, retryAttempts, retryBackoff, Duration.ofMinutes(10));
        }

        public static Settings defaults() {
            return new Settings("0", "1", Duration.ofMinutes(30), Duration.ofSeconds(5), 5, Duration.ofMillis(500));
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(Rollouts.class);

    private final KubernetesClient client;
    private final Settings settings;
    private final ObjectMapper json;
    private final Clock clock;
    private final ExecutorService api;
    private final ScheduledExecutorService timers;
    private final DeploymentWatches watches;
    private final DeploymentRequests deployments;
    private final StatefulSetWatches statefulSetWatches;
    private final DeploymentRequests statefulSets;
    private final ApiRetry retry;

    public Rollouts(KubernetesClient client, Settings settings, ObjectMapper json, Clock clock) {
        this(client, settings, json, clock, new ApiRetry.Policy(settings.retryAttempts(), settings.retryBackoff(),
                Duration.ofSeconds(30).compareTo(settings.retryBackoff()) > 0 ? Duration.ofSeconds(30) : settings.retryBackoff(),
                Duration.ofMinutes(2)), null);
    }

    /** With the API retry's policy and who counts its retries ({@code upshift.kubernetes.retry-*}, issue 19). */
    public Rollouts(KubernetesClient client, Settings settings, ObjectMapper json, Clock clock, ApiRetry.Policy retryPolicy,
            ApiRetry.Listener retryListener) {
        this.client = client;
        this.settings = settings;
        this.json = json;
        this.clock = clock;
        AtomicInteger count = new AtomicInteger();
        this.api = Executors.newCachedThreadPool(r -> daemon(r, "rollouts-api-" + count.incrementAndGet()));
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "rollouts-timer"));
        this.watches = new DeploymentWatches(client, timers);
        this.deployments = new DeploymentRequests(client, watches);
        this.statefulSetWatches = new StatefulSetWatches(client, timers,
                (int) settings.statefulSetProgressDeadline().toSeconds());
        this.statefulSets = DeploymentRequests.statefulSets(client, statefulSetWatches);
        this.retry = new ApiRetry(retryPolicy, api, clock, () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble(),
                retryListener);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    protected void doStop() {
        watches.close();
        statefulSetWatches.close();
        api.shutdownNow();
        timers.shutdownNow();
    }

    /** Rolls the step's Deployment; the future fails with a {@link RolloutException}. */
    public CompletableFuture<StepResult> execute(ServiceStep step, RolloutListener listener) {
        try {
            // callers continue on a worker, never on the informer's event thread
            return new Run(step, listener == null ? LOG::info : listener).start()
                    .whenCompleteAsync((result, error) -> { }, api);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** One execution of a step. */
    private final class Run {
        private final ServiceStep step;
        private final RolloutListener listener;
        private final String namespace;
        private final String name;
        /** A StatefulSet's step: read, patched and waited for as one (the rules read its Deployment-shaped view). */
        private final boolean stateful;
        private final DeploymentWatches waits;
        private final Instant startedAt = clock.instant();
        private String fromImage;
        private int minAvailable = Integer.MAX_VALUE;

        Run(ServiceStep step, RolloutListener listener) {
            if (step == null || step.action() == null || step.namespace() == null
                    || (step.deployment() == null && step.service() == null)) {
                throw new RolloutException("a service step needs a namespace, a deployment (or service) and an action: "
                        + step);
            }
            if (step.image() == null && step.action() != StepAction.SCALE_DOWN && !removesCreated(step)) {
                throw new RolloutException(step.service() + ": a " + step.action() + " step needs an image");
            }
            this.step = step;
            this.listener = listener;
            this.namespace = step.namespace();
            this.name = step.deployment() != null ? step.deployment() : step.service();
            this.stateful = step.kind() == io.upshift.version.WorkloadKind.STATEFUL_SET;
            this.waits = stateful ? statefulSetWatches : watches;
        }

        private String service() {
            return step.service() != null ? step.service() : name;
        }

        CompletableFuture<StepResult> start() {
            if (step.change() != null) {
                return changed();
            }
            return update();
        }

        /** The step of a service changed in place (or, once created or brought back, as one). */
        CompletableFuture<StepResult> update() {
            boolean configMaps = step.spec() != null && step.spec().configMaps() != null
                    && step.action() != StepAction.SCALE_DOWN;
            return call("read", this::read).thenCompose(this::judged).thenCompose(d -> configMaps
                    ? call("apply the ConfigMaps of", () -> configMaps().apply(step.spec(), step.upgradeId())).thenApply(x -> d)
                    : CompletableFuture.completedFuture(d)).thenCompose(d -> {
                fromImage = container(d).getImage();
                if (step.change() != null && step.change().retires()) {
                    return retire(d);
                }
                return switch (step.action()) {
                    case ROLLING -> atTarget(d) ? already(d) : roll(d, rollingPatch(d));
                    case SCALE_UP -> atTarget(d) ? already(d) : roll(d, scaleUpPatch(d));
                    case SCALE_DOWN -> DeploymentRules.scaledDown(d) ? already(d) : scaleDown(d);
                    case DOWNTIME -> atTarget(d) ? already(d) : downtime(d);
                };
            });
        }

        // ---- services created or retired (ServiceChange): the objects through WorkloadChanges, the waits as any step's

        private CompletableFuture<StepResult> changed() {
            WorkloadChanges objects = new WorkloadChanges(client);
            boolean configMaps = step.spec() != null && step.spec().configMaps() != null;
            return switch (step.change().kind()) {
                // ConfigMaps first: the new pods mount them
                case CREATE -> call("create", () -> {
                    if (configMaps) {
                        configMaps().apply(step.spec(), step.upgradeId());
                    }
                    return objects.createIfAbsent(step, name);
                }).thenCompose(created -> {
                    if (created) {
                        listener.progress(service() + ": created Deployment and Service " + namespace + "/" + name
                                + " from its template");
                    }
                    return update();
                });
                case REMOVE_CREATED -> call("delete", () -> {
                    boolean removed = objects.removeCreated(step, name);
                    if (configMaps) {
                        configMaps().apply(step.spec(), step.upgradeId());
                    }
                    return removed;
                }).thenApply(removed -> gone(removed ? "deleted its Deployment and Service (created by the upgrade)"
                        : "already deleted"));
                case RESTORE_RETIRED -> call("create again", () -> objects.restoreIfAbsent(step, name))
                        .thenCompose(created -> {
                            if (created) {
                                listener.progress(service() + ": created Deployment " + namespace + "/" + name
                                        + " again as it was before it was pruned");
                            }
                            return update();
                        });
                case RETIRE -> step.change().prune()
                        ? call("read", () -> client.apps().deployments().inNamespace(namespace).withName(name).get())
                                .thenCompose(d -> d == null ? CompletableFuture.completedFuture(gone("already deleted"))
                                        : update())
                        : update();
            };
        }

        /** Scaled to 0 (its replicas recorded), then with prune its Deployment and Service deleted. */
        private CompletableFuture<StepResult> retire(Deployment d) {
            CompletableFuture<StepResult> down = DeploymentRules.scaledDown(d)
                    ? CompletableFuture.completedFuture(result(d, StepOutcome.ALREADY_AT_TARGET, 0, "already at 0 replicas"))
                    : scaleDown(d);
            if (!step.change().prune()) {
                return down.thenApply(r -> new StepResult(r.service(), r.namespace(), r.deployment(), r.outcome(),
                        r.fromImage(), r.toImage(), 0, r.minAvailable(), r.startedAt(), r.finishedAt(),
                        "retired: " + r.message()));
            }
            return down.thenCompose(r -> call("delete", () -> new WorkloadChanges(client).prune(step, name))
                    .thenApply(x -> new StepResult(r.service(), r.namespace(), r.deployment(), StepOutcome.ROLLED,
                            r.fromImage(), null, 0, r.minAvailable(), r.startedAt(), clock.instant(), "retired: "
                                    + r.message() + ", then its Deployment and Service deleted (prune)")));
        }

        /** The result of a step that leaves no Deployment behind. */
        private StepResult gone(String message) {
            return new StepResult(service(), namespace, name, StepOutcome.ROLLED, fromImage, null, 0, null, startedAt,
                    clock.instant(), message);
        }

        private boolean atTarget(Deployment d) {
            return step.image().equals(container(d).getImage()) && DeploymentRules.desiredReplicas(d) > 0
                    && (step.spec() == null || step.spec().matches(d, container(d))) && DeploymentRules.rolledOut(d);
        }

        /** {@code " with its env, resources and ConfigMaps"}: what the step set beside the image. */
        private String specText() {
            WorkloadSpec spec = step.spec();
            if (spec == null) {
                return "";
            }
            List<String> parts = new java.util.ArrayList<>();
            if (spec.env() != null) {
                parts.add("env");
            }
            if (spec.resources() != null) {
                parts.add("resources");
            }
            if (spec.args() != null) {
                parts.add("args");
            }
            if (spec.replicas() != null) {
                parts.add("replicas");
            }
            if (spec.configMaps() != null) {
                parts.add("ConfigMaps");
            }
            if (spec.strategy() != null) {
                parts.add("strategy");
            }
            return parts.isEmpty() ? "" : " with its " + String.join(", ", parts);
        }

        private ConfigMaps configMaps() {
            return new ConfigMaps(client, namespace, service());
        }

        private CompletableFuture<StepResult> already(Deployment d) {
            int available = DeploymentRules.available(d);
            return CompletableFuture.completedFuture(result(d, StepOutcome.ALREADY_AT_TARGET, available,
                    step.action() == StepAction.SCALE_DOWN ? "already scaled down"
                            : "already at " + container(d).getImage() + " and rolled out"));
        }

        private CompletableFuture<StepResult> roll(Deployment d, ArrayNode patch) {
            return apply(d, patch, DeploymentWatches.Goal.ROLLED_OUT).thenApply(done -> result(done, StepOutcome.ROLLED,
                    minAvailable, "rolled from " + fromImage + " to " + container(done).getImage() + specText() + ", "
                            + DeploymentRules.desiredReplicas(done) + " ready, at least " + minAvailable
                            + " available throughout"));
        }

        private CompletableFuture<StepResult> scaleDown(Deployment d) {
            return apply(d, scaleDownPatch(d), DeploymentWatches.Goal.SCALED_DOWN).thenApply(done -> result(done,
                    StepOutcome.ROLLED, 0, "scaled down from " + DeploymentRules.desiredReplicas(d) + " to 0 replicas"));
        }

        private CompletableFuture<StepResult> downtime(Deployment d) {
            CompletableFuture<Deployment> down = DeploymentRules.scaledDown(d) ? CompletableFuture.completedFuture(d)
                    : apply(d, scaleDownPatch(d), DeploymentWatches.Goal.SCALED_DOWN);
            return down.thenCompose(x -> call("read", this::read)).thenCompose(this::judged)
                    .thenCompose(zero -> apply(zero, scaleUpPatch(zero), DeploymentWatches.Goal.ROLLED_OUT))
                    .thenApply(done -> result(done, StepOutcome.ROLLED, minAvailable, "rolled with downtime from "
                            + fromImage + " to " + container(done).getImage() + ", "
                            + DeploymentRules.desiredReplicas(done) + " ready"));
        }

        /** Registers the wait, applies the patch, then waits for the goal at the patched generation. */
        private CompletableFuture<Deployment> apply(Deployment d, ArrayNode patch, DeploymentWatches.Goal goal) {
            return call("watch", () -> {
                waits.ensureInformer(namespace);
                return waits.register(namespace, name, service(), goal, listener, settings.timeout());
            }).thenCompose(wait -> call("patch", () -> patch(patch)).exceptionallyCompose(this::judgeFailedPatch)
                    .thenCompose(patched -> {
                        Duration idle = Duration.ofSeconds(DeploymentRules.progressDeadlineSeconds(patched))
                                .plus(settings.deadlineGrace());
                        wait.guard(changed -> foreignChange(changed, goal));
                        if (stateful && goal == DeploymentWatches.Goal.ROLLED_OUT) {
                            wait.onObserved(this::replaceStuckPods);
                        }
                        wait.target(DeploymentRules.generation(patched), idle);
                        return wait.future;
                    })
                    .whenComplete((done, e) -> {
                        wait.future.cancel(false);
                        minAvailable = Math.min(minAvailable, wait.minAvailable());
                    }));
        }

        /** A StatefulSet's pods its controller would wait for forever ({@link StatefulSetPods}): deleted, on a worker. */
        private void replaceStuckPods() {
            call("delete the stuck pods of", () -> new StatefulSetPods(client).deleteStuck(namespace, name))
                    .thenAccept(deleted -> deleted.forEach(pod -> listener.progress(service() + ": deleted pod " + pod
                            + ", not ready at a revision the StatefulSet no longer rolls to (the controller creates it"
                            + " again)")))
                    .exceptionally(e -> {
                        listener.progress(service() + ": " + Failures.message(Failures.unwrap(e)));
                        return null;
                    });
        }

        /**
         * The Deployment as read, unless its container runs an image that is neither the one the record holds
         * from before the upgrade nor the step's own: someone else set it (issue 19). Judged from what is stored
         * and what the cluster reports, never from an earlier read, so an edit between a downtime upgrade's
         * scale-down and its scale-up, or made while Upshift was down, is seen by the next step on the service.
         * A read from the informer's cache that looks edited is confirmed by one from the API server.
         */
        private CompletableFuture<Deployment> judged(Deployment d) {
            return editedElsewhere(d) == null ? CompletableFuture.completedFuture(d)
                    : call("read", this::readFromServer).thenApply(this::notEditedElsewhere);
        }

        private Deployment notEditedElsewhere(Deployment d) {
            String edited = editedElsewhere(d);
            if (edited != null) {
                throw new ForeignEditException(service() + ": " + waits.kindName() + " " + namespace + "/" + name
                        + " was changed by someone else: " + edited);
            }
            return d;
        }

        private String editedElsewhere(Deployment d) {
            String recorded = step.recordedImage();
            if (recorded == null || step.image() == null) {
                return null;
            }
            Container c = container(d);
            return recorded.equals(c.getImage()) || step.image().equals(c.getImage()) ? null
                    : "the image of container " + c.getName() + " is now " + c.getImage() + ", not " + recorded
                            + " (before the upgrade) or " + step.image();
        }

        /**
         * A patch the server refused (422: a {@code test} op failed, the Deployment changed since it was read): judged
         * again from the Deployment as the API server has it now, so an edit by someone else is named as one.
         */
        private CompletableFuture<Deployment> judgeFailedPatch(Throwable error) {
            Throwable failure = Failures.unwrap(error);
            if (step.recordedImage() == null || Failures.find(failure, KubernetesClientException.class)
                    .filter(k -> k.getCode() == 422).isEmpty()) {
                return CompletableFuture.failedFuture(failure);
            }
            return call("read", this::readFromServer).thenApply(this::notEditedElsewhere)
                    .thenCompose(now -> CompletableFuture.failedFuture(failure));
        }

        /** What someone else changed that this step cannot live with, or null (issue 19: foreign edits). */
        private String foreignChange(Deployment d, DeploymentWatches.Goal goal) {
            // scaling down leaves the image as it was; rolling sets the step's
            String expected = goal == DeploymentWatches.Goal.SCALED_DOWN ? fromImage : step.image();
            try {
                Container c = container(d);
                if (expected != null && !expected.equals(c.getImage())) {
                    return "the image of container " + c.getName() + " is now " + c.getImage() + ", not " + expected;
                }
            } catch (ContainerNotFoundException e) {
                return e.getMessage();
            }
            int desired = DeploymentRules.desiredReplicas(d);
            return goal == DeploymentWatches.Goal.SCALED_DOWN && desired > 0
                    ? "its replicas are now " + desired + ", not 0" : null;
        }

        private Deployment read() {
            return (stateful ? statefulSets : deployments).read(namespace, name);
        }

        private Deployment readFromServer() {
            return (stateful ? statefulSets : deployments).readFromServer(namespace, name);
        }

        private Deployment patch(ArrayNode patch) {
            return (stateful ? statefulSets : deployments).patch(namespace, name, patch.toString());
        }

        private int containerIndex(Deployment d) {
            return DeploymentRules.containerIndex(d, step.container(), service());
        }

        private Container container(Deployment d) {
            return d.getSpec().getTemplate().getSpec().getContainers().get(containerIndex(d));
        }

        private ArrayNode rollingPatch(Deployment d) {
            ArrayNode patch = imagePatch(d);
            if (stateful) {
                return patch; // its own updateStrategy (one pod at a time, its partition) is kept as it is
            }
            if (step.spec() != null && step.spec().strategy() != null) {
                // a rollback: the strategy the Deployment had before the upgrade (captured in the record)
                add(patch, "/spec/strategy", json.valueToTree(step.spec().strategy()));
                return patch;
            }
            ObjectNode rollingUpdate = json.createObjectNode();
            rollingUpdate.set("maxUnavailable", intOrString(settings.maxUnavailable()));
            rollingUpdate.set("maxSurge", intOrString(settings.maxSurge()));
            ObjectNode strategy = json.createObjectNode().put("type", "RollingUpdate");
            strategy.set("rollingUpdate", rollingUpdate);
            add(patch, "/spec/strategy", strategy);
            return patch;
        }

        private ArrayNode scaleUpPatch(Deployment d) {
            ArrayNode patch = imagePatch(d);
            int desired = DeploymentRules.desiredReplicas(d);
            if (step.spec() != null && step.spec().replicas() != null) {
                add(patch, "/spec/replicas", json.getNodeFactory().numberNode(step.spec().replicas()));
            } else if (desired == 0) {
                add(patch, "/spec/replicas", json.getNodeFactory().numberNode(recordedReplicas(d)));
            }
            return patch;
        }

        private int recordedReplicas(Deployment d) {
            String recorded = annotations(d).get(REPLICAS_BEFORE_DOWNTIME);
            try {
                return recorded == null ? 1 : Math.max(1, Integer.parseInt(recorded.trim()));
            } catch (NumberFormatException e) {
                throw new RolloutException(service() + ": annotation " + REPLICAS_BEFORE_DOWNTIME + " of Deployment "
                        + namespace + "/" + name + " is not a number: " + recorded);
            }
        }

        private ArrayNode scaleDownPatch(Deployment d) {
            ArrayNode patch = annotationsPatch(d);
            int desired = DeploymentRules.desiredReplicas(d);
            if (desired > 0) {
                // kept across a restart: this is what SCALE_UP scales back to
                add(patch, "/metadata/annotations/" + escape(REPLICAS_BEFORE_DOWNTIME),
                        json.getNodeFactory().textNode(Integer.toString(desired)));
            }
            add(patch, "/spec/replicas", json.getNodeFactory().numberNode(0));
            return patch;
        }

        private ArrayNode imagePatch(Deployment d) {
            ArrayNode patch = annotationsPatch(d);
            String path = "/spec/template/spec/containers/" + containerIndex(d);
            // the test op makes the patch fail rather than change another container if the list moved
            patch.addObject().put("op", "test").put("path", path + "/name").put("value", container(d).getName());
            if (step.recordedImage() != null) {
                // the image judged by notEditedElsewhere, read maybe from the informer's cache: an edit since fails the patch
                patch.addObject().put("op", "test").put("path", path + "/image").put("value", container(d).getImage());
            }
            patch.addObject().put("op", "replace").put("path", path + "/image").put("value", step.image());
            WorkloadSpec spec = step.spec();
            if (spec != null) {
                // "add" replaces a member that exists: the whole list or map, as the version config says it
                if (spec.env() != null) {
                    add(patch, path + "/env", json.valueToTree(spec.env()));
                }
                if (spec.resources() != null && !spec.resources().isEmpty()) {
                    add(patch, path + "/resources", json.valueToTree(spec.resources()));
                } else if (spec.resources() != null && container(d).getResources() != null) {
                    // none (as captured before the change): removed, not left as an empty object
                    patch.addObject().put("op", "remove").put("path", path + "/resources");
                }
                if (spec.args() != null) {
                    add(patch, path + "/args", json.valueToTree(spec.args()));
                }
                if (spec.replicas() != null && step.action() == StepAction.ROLLING) {
                    add(patch, "/spec/replicas", json.getNodeFactory().numberNode(spec.replicas()));
                }
            }
            return patch;
        }

        private ArrayNode annotationsPatch(Deployment d) {
            ArrayNode patch = json.createArrayNode();
            if (d.getMetadata().getAnnotations() == null) {
                add(patch, "/metadata/annotations", json.createObjectNode());
            }
            if (step.upgradeId() != null) {
                add(patch, "/metadata/annotations/" + escape(UPGRADE_ID), json.getNodeFactory().textNode(step.upgradeId()));
            }
            if (step.targetVersion() != null) {
                add(patch, "/metadata/annotations/" + escape(TARGET_VERSION),
                        json.getNodeFactory().textNode(step.targetVersion()));
            }
            return patch;
        }

        private StepResult result(Deployment d, StepOutcome outcome, int min, String message) {
            return new StepResult(service(), namespace, name, outcome, fromImage, container(d).getImage(),
                    DeploymentRules.desiredReplicas(d), min == Integer.MAX_VALUE ? null : min, startedAt,
                    clock.instant(), message);
        }

        /** Runs one API call on a worker, retried by {@link ApiRetry}; what still fails is typed. */
        private <T> CompletableFuture<T> call(String what, Supplier<T> op) {
            return retry.call(service() + ": " + what + " " + waits.kindName() + " " + namespace + "/" + name, op)
                    .handle((value, error) -> error == null ? CompletableFuture.completedFuture(value)
                            : CompletableFuture.<T>failedFuture(translate(what, Failures.unwrap(error))))
                    .thenCompose(f -> f);
        }

        private RuntimeException translate(String what, Throwable e) {
            if (e instanceof RolloutException re) {
                return re;
            }
            String target = waits.kindName() + " " + namespace + "/" + name;
            if (e instanceof KubernetesClientException k) {
                int code = k.getCode();
                if (code == 404) {
                    return new DeploymentNotFoundException(namespace, name);
                }
                if (code == 401 || code == 403) {
                    return new RolloutForbiddenException(service() + ": not allowed to " + what + " " + target + " ("
                            + code + "): " + reason(k), k);
                }
                if (code == 0 || code == 502 || code == 503 || code == 504 || Failures.find(k, IOException.class).isPresent()) {
                    return new ClusterUnreachableException(service() + ": Kubernetes API unreachable while trying to "
                            + what + " " + target + ": " + rootMessage(Failures.root(k)), k);
                }
                return new RolloutException(service() + ": could not " + what + " " + target + " (" + code + "): "
                        + reason(k), k);
            }
            return new RolloutException(service() + ": could not " + what + " " + target + ": " + e, e);
        }
    }

    private static boolean removesCreated(ServiceStep step) {
        return step.change() != null && step.change().kind() == ServiceChange.Kind.REMOVE_CREATED;
    }

    private void add(ArrayNode patch, String path, com.fasterxml.jackson.databind.JsonNode value) {
        patch.addObject().put("op", "add").put("path", path).set("value", value);
    }

    private com.fasterxml.jackson.databind.JsonNode intOrString(String setting) {
        IntOrString v = DeploymentRules.intOrPercent(setting);
        return v.getIntVal() != null ? json.getNodeFactory().numberNode(v.getIntVal())
                : json.getNodeFactory().textNode(v.getStrVal());
    }

    private static Map<String, String> annotations(Deployment d) {
        Map<String, String> a = d.getMetadata().getAnnotations();
        return a == null ? Map.of() : a;
    }

    /** JSON pointer escaping of {@code ~} and {@code /} (annotation keys contain a slash). */
    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static String rootMessage(Throwable root) {
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }

    private static String reason(KubernetesClientException k) {
        return k.getStatus() != null && k.getStatus().getMessage() != null ? k.getStatus().getMessage()
                : k.getMessage();
    }
}
