package io.upshift.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.upshift.version.DependencyGraph;
import org.junit.jupiter.api.Test;

class DagRunnerTest {

    /** Steps whose futures the test completes by hand; records what started, and checks dependencies. */
    static final class Steps implements DagListener<String> {
        final Map<String, List<String>> graph;
        final Map<String, CompletableFuture<String>> running = new ConcurrentHashMap<>();
        final Set<String> succeeded = ConcurrentHashMap.newKeySet();
        final List<String> started = new CopyOnWriteArrayList<>();
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<String> violations = new CopyOnWriteArrayList<>();
        final Set<String> alreadyDone = new HashSet<>();

        Steps(Map<String, List<String>> graph) {
            this.graph = graph;
        }

        CompletableFuture<String> start(String node) {
            for (String dep : graph.get(node)) {
                if (!succeeded.contains(dep) && !alreadyDone.contains(dep)) {
                    violations.add(node + " started before " + dep);
                }
            }
            started.add(node);
            CompletableFuture<String> future = new CompletableFuture<>();
            running.put(node, future);
            return future;
        }

        void succeed(String node) {
            succeeded.add(node);
            running.remove(node).complete(node + " done");
        }

        void fail(String node, RuntimeException cause) {
            running.remove(node).completeExceptionally(cause);
        }

        @Override
        public void onStart(String node) {
            events.add("start " + node);
        }

        @Override
        public void onFinish(String node, String result, Throwable error) {
            events.add("finish " + node + (error == null ? " ok" : " failed: " + error.getMessage()));
        }
    }

    private static Map<String, List<String>> graph(Object... nodeAndDeps) {
        Map<String, List<String>> graph = new LinkedHashMap<>();
        for (int i = 0; i < nodeAndDeps.length; i += 2) {
            graph.put((String) nodeAndDeps[i], List.of(((String) nodeAndDeps[i + 1]).split(",")).stream()
                    .filter(s -> !s.isBlank()).toList());
        }
        return graph;
    }

    private static DagExecution<String> run(Steps steps, int parallelism) {
        return DagRunner.of(steps.graph).parallelism(parallelism).alreadyDone(steps.alreadyDone).start(steps::start, steps);
    }

    @Test
    void dependentStartsOnlyWhenAllItsDependenciesCompleted() {
        Steps steps = new Steps(graph("a", "", "b", "a", "c", "a", "d", "b,c"));
        DagExecution<String> run = run(steps, 4);

        assertThat(steps.started).containsExactly("a");
        steps.succeed("a");
        assertThat(steps.started).containsExactlyInAnyOrder("a", "b", "c");
        steps.succeed("b");
        assertThat(steps.started).doesNotContain("d");
        assertThat(run.snapshot().get("d").state()).isEqualTo(NodeState.NOT_STARTED);
        assertThat(run.snapshot().get("c").state()).isEqualTo(NodeState.RUNNING);
        steps.succeed("c");
        assertThat(steps.started).contains("d");
        assertThat(run.outcome()).isNotDone();
        steps.succeed("d");

        DagOutcome<String> outcome = run.outcome().join();
        assertThat(outcome.status()).isEqualTo(DagOutcome.Status.SUCCEEDED);
        assertThat(outcome.nodes().get("d")).isEqualTo(new NodeOutcome<>(NodeState.SUCCEEDED, "d done", null));
        assertThat(steps.violations).isEmpty();
        assertThat(steps.events).startsWith("start a", "finish a ok").endsWith("start d", "finish d ok").hasSize(8);
    }

    @Test
    void notWaves_aDependentStartsWhileAnUnrelatedSlowNodeStillRuns() {
        Steps steps = new Steps(graph("a", "", "b", "", "c", "a"));
        DagExecution<String> run = run(steps, 4);
        assertThat(steps.started).containsExactlyInAnyOrder("a", "b");

        steps.succeed("a");

        assertThat(steps.started).contains("c");
        assertThat(steps.running).containsKeys("b", "c");
        steps.succeed("c");
        steps.succeed("b");
        assertThat(run.outcome().join().status()).isEqualTo(DagOutcome.Status.SUCCEEDED);
    }

    @Test
    void diamondFanOut_independentBranchAdvancesPastASlowSibling() {
        // root → {slow, fast}; fast → fast2 → fast3; join waits for slow and fast3
        Steps steps = new Steps(graph("root", "", "slow", "root", "fast", "root", "fast2", "fast", "fast3", "fast2",
                "join", "slow,fast3"));
        DagExecution<String> run = run(steps, 4);
        steps.succeed("root");
        steps.succeed("fast");
        steps.succeed("fast2");
        steps.succeed("fast3");

        assertThat(steps.running).containsOnlyKeys("slow");
        assertThat(steps.started).doesNotContain("join");
        steps.succeed("slow");
        steps.succeed("join");
        assertThat(run.outcome().join().status()).isEqualTo(DagOutcome.Status.SUCCEEDED);
        assertThat(steps.violations).isEmpty();
    }

    @Test
    void parallelismCapIsRespectedOverAHundredNodes() {
        Random random = new Random(42);
        Map<String, List<String>> graph = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            List<String> deps = new ArrayList<>();
            for (int d = 0; d < 3 && i > 0; d++) {
                if (random.nextInt(3) == 0) {
                    deps.add("n" + random.nextInt(i));
                }
            }
            graph.put("n" + i, deps);
        }
        Steps steps = new Steps(graph);
        DagExecution<String> run = run(steps, 5);
        int maxInFlight = 0;
        while (!steps.running.isEmpty()) {
            maxInFlight = Math.max(maxInFlight, steps.running.size());
            assertThat(steps.running.size()).isLessThanOrEqualTo(5);
            List<String> inFlight = new ArrayList<>(steps.running.keySet());
            steps.succeed(inFlight.get(random.nextInt(inFlight.size())));
        }

        assertThat(run.outcome()).isCompleted();
        assertThat(run.outcome().join().status()).isEqualTo(DagOutcome.Status.SUCCEEDED);
        assertThat(steps.started).hasSize(100).doesNotHaveDuplicates();
        assertThat(maxInFlight).isEqualTo(5);
        assertThat(steps.violations).isEmpty();
    }

    @Test
    void aFailureStopsNewStartsAndLetsInFlightNodesFinish() {
        Steps steps = new Steps(graph("a", "", "b", "", "c", "a", "d", ""));
        DagExecution<String> run = run(steps, 2);
        assertThat(steps.started).containsExactly("a", "b");

        RuntimeException boom = new IllegalStateException("image pull failed");
        steps.fail("a", boom);

        assertThat(steps.started).containsExactly("a", "b");
        assertThat(run.outcome()).isNotDone();
        steps.succeed("b");

        DagOutcome<String> outcome = run.outcome().join();
        assertThat(outcome.status()).isEqualTo(DagOutcome.Status.FAILED);
        assertThat(outcome.nodes().get("a")).isEqualTo(new NodeOutcome<>(NodeState.FAILED, null, boom));
        assertThat(outcome.nodesIn(NodeState.SUCCEEDED)).containsExactly("b");
        assertThat(outcome.nodesIn(NodeState.NOT_STARTED)).containsExactly("c", "d");
        assertThat(outcome.firstFailure()).containsSame(boom);
        assertThat(steps.events).contains("finish a failed: image pull failed");
    }

    @Test
    void aStartFunctionThatThrowsFailsItsNode() {
        DagExecution<String> run = DagRunner.of(graph("a", "", "b", "a")).start(node -> {
            throw new IllegalArgumentException("no such deployment " + node);
        });

        DagOutcome<String> outcome = run.outcome().join();
        assertThat(outcome.status()).isEqualTo(DagOutcome.Status.FAILED);
        assertThat(outcome.firstFailure()).get().extracting(Throwable::getMessage).isEqualTo("no such deployment a");
        assertThat(outcome.nodes().get("b").state()).isEqualTo(NodeState.NOT_STARTED);
    }

    @Test
    void stopLetsInFlightNodesFinishAndStartsNothingNew() {
        Steps steps = new Steps(graph("a", "", "b", "a", "c", ""));
        DagExecution<String> run = run(steps, 1);
        assertThat(steps.started).containsExactly("a");

        run.stop();
        assertThat(run.outcome()).isNotDone();
        steps.succeed("a");

        DagOutcome<String> outcome = run.outcome().join();
        assertThat(outcome.status()).isEqualTo(DagOutcome.Status.STOPPED);
        assertThat(outcome.nodesIn(NodeState.SUCCEEDED)).containsExactly("a");
        assertThat(outcome.nodesIn(NodeState.NOT_STARTED)).containsExactly("b", "c");
        assertThat(steps.started).containsExactly("a");
    }

    @Test
    void stopAfterTheEndChangesNothing() {
        Steps steps = new Steps(graph("a", ""));
        DagExecution<String> run = run(steps, 1);
        steps.succeed("a");
        run.stop();
        assertThat(run.outcome().join().status()).isEqualTo(DagOutcome.Status.SUCCEEDED);
    }

    @Test
    void reverseOrderStartsANodeOnlyAfterEveryNodeThatDependsOnIt() {
        Map<String, List<String>> forward = graph("db", "", "api", "db", "worker", "db", "web", "api");
        Map<String, List<String>> reversed = DependencyGraph.of(forward).reversed().asMap();
        assertThat(reversed).containsExactly(Map.entry("db", List.of("api", "worker")), Map.entry("api", List.of("web")),
                Map.entry("worker", List.of()), Map.entry("web", List.of()));

        Steps steps = new Steps(reversed);
        DagExecution<String> run = run(steps, 4);
        assertThat(steps.started).containsExactlyInAnyOrder("worker", "web");
        steps.succeed("web");
        assertThat(steps.started).containsExactlyInAnyOrder("worker", "web", "api");
        steps.succeed("api");
        assertThat(steps.started).doesNotContain("db");
        steps.succeed("worker");
        steps.succeed("db");
        assertThat(run.outcome().join().status()).isEqualTo(DagOutcome.Status.SUCCEEDED);
        assertThat(steps.violations).isEmpty();
    }

    @Test
    void nodesAlreadyDoneCountAsCompleted() {
        Steps steps = new Steps(graph("a", "", "b", "a", "c", "b", "d", "a"));
        steps.alreadyDone.addAll(Set.of("a", "b"));
        DagExecution<String> run = run(steps, 4);

        assertThat(steps.started).containsExactlyInAnyOrder("c", "d");
        steps.succeed("c");
        steps.succeed("d");
        DagOutcome<String> outcome = run.outcome().join();
        assertThat(outcome.status()).isEqualTo(DagOutcome.Status.SUCCEEDED);
        assertThat(outcome.nodesIn(NodeState.SKIPPED)).containsExactly("a", "b");
    }

    @Test
    void aDoneNodeBetweenPendingOnesIsNeitherStartedNorCountedTwice() {
        // resume: auth finished before the crash, config-center did not
        Steps steps = new Steps(graph("config-center", "", "auth", "config-center", "metadata", "config-center",
                "data-service", "metadata,auth", "gateway", "auth,data-service"));
        steps.alreadyDone.add("auth");
        DagExecution<String> run = run(steps, 8);

        steps.succeed("config-center");
        steps.succeed("metadata");
        assertThat(steps.started).containsExactly("config-center", "metadata", "data-service");
        steps.succeed("data-service");
        steps.succeed("gateway");
        assertThat(run.outcome().join().status()).isEqualTo(DagOutcome.Status.SUCCEEDED);
        assertThat(steps.started).doesNotContain("auth");
        assertThat(steps.violations).isEmpty();
    }

    @Test
    void everythingAlreadyDoneSucceedsAtOnce() {
        DagExecution<Object> run = DagRunner.of(graph("a", "", "b", "a")).alreadyDone(List.of("a", "b"))
                .start(node -> new CompletableFuture<>());
        assertThat(run.outcome().join().status()).isEqualTo(DagOutcome.Status.SUCCEEDED);
    }

    @Test
    void emptyGraphSucceeds() {
        assertThat(DagRunner.of(Map.of()).start(node -> new CompletableFuture<>()).outcome().join().status())
                .isEqualTo(DagOutcome.Status.SUCCEEDED);
    }

    @Test
    void futuresAlreadyCompleteDoNotRecurse() {
        Map<String, List<String>> chain = new LinkedHashMap<>();
        for (int i = 0; i < 20_000; i++) {
            chain.put("n" + i, i == 0 ? List.of() : List.of("n" + (i - 1)));
        }
        DagOutcome<String> outcome = DagRunner.of(chain).parallelism(1)
                .start(node -> CompletableFuture.completedFuture(node)).outcome().join();
        assertThat(outcome.status()).isEqualTo(DagOutcome.Status.SUCCEEDED);
        assertThat(outcome.nodesIn(NodeState.SUCCEEDED)).hasSize(20_000);
    }

    @Test
    void fiveHundredNodesDepthFourCompletedInRandomOrderFromAnotherThread() throws Exception {
        Random random = new Random(7);
        Map<String, List<String>> graph = new LinkedHashMap<>();
        List<List<String>> levels = new ArrayList<>();
        for (int level = 0; level < 4; level++) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 125; i++) {
                String name = "s" + level + "-" + i;
                List<String> deps = new ArrayList<>();
                if (level > 0) {
                    List<String> above = levels.get(level - 1);
                    deps.add(above.get(random.nextInt(above.size())));
                    deps.add(above.get(random.nextInt(above.size())));
                }
                graph.put(name, deps);
                names.add(name);
            }
            levels.add(names);
        }
        Set<String> succeeded = ConcurrentHashMap.newKeySet();
        List<String> violations = new CopyOnWriteArrayList<>();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        LinkedBlockingQueue<Map.Entry<String, CompletableFuture<String>>> started = new LinkedBlockingQueue<>();
        Set<String> callbackThreads = ConcurrentHashMap.newKeySet();

        ExecutorService completer = Executors.newSingleThreadExecutor(r -> new Thread(r, "completer"));
        try {
            DagExecution<String> run = DagRunner.of(graph).parallelism(16).start(node -> {
                graph.get(node).stream().filter(dep -> !succeeded.contains(dep)).forEach(dep -> violations.add(node + "<" + dep));
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                CompletableFuture<String> future = new CompletableFuture<>();
                started.add(Map.entry(node, future));
                return future;
            }, new DagListener<String>() {
                @Override
                public void onFinish(String node, String result, Throwable error) {
                    callbackThreads.add(Thread.currentThread().getName());
                }
            });
            assertThat(run.outcome()).isNotDone();

            completer.submit(() -> {
                List<Map.Entry<String, CompletableFuture<String>>> pending = new ArrayList<>();
                int completed = 0;
                while (completed < 500) {
                    started.drainTo(pending);
                    if (pending.isEmpty()) {
                        pending.add(started.poll(10, TimeUnit.SECONDS));
                    }
                    var next = pending.remove(random.nextInt(pending.size()));
                    succeeded.add(next.getKey());
                    inFlight.decrementAndGet();
                    next.getValue().complete(next.getKey());
                    completed++;
                }
                return null;
            });

            assertThat(run.outcome()).succeedsWithin(Duration.ofSeconds(20))
                    .extracting(DagOutcome::status).isEqualTo(DagOutcome.Status.SUCCEEDED);
            assertThat(succeeded).hasSize(500);
            assertThat(violations).isEmpty();
            assertThat(maxInFlight.get()).isLessThanOrEqualTo(16);
            assertThat(callbackThreads).containsExactly("completer");
        } finally {
            completer.shutdownNow();
        }
    }

    @Test
    void whenCappedTheHeadOfTheLongestChainStartsFirst() {
        Steps steps = new Steps(graph("lonely", "", "b", "", "c", "b"));
        run(steps, 1);
        assertThat(steps.started).containsExactly("b");
        steps.succeed("b");
        // now equally urgent: graph order decides
        assertThat(steps.started).containsExactly("b", "lonely");
    }

    @Test
    void graphValidation() {
        assertThatThrownBy(() -> DagRunner.of(graph("a", "b", "b", "c", "c", "a", "d", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("dependency cycle: a -> b -> c -> a");
        assertThatThrownBy(() -> DagRunner.of(graph("a", "x"))).hasMessage("service \"a\" depends on unknown service \"x\"");
        assertThatThrownBy(() -> DagRunner.of(graph("a", "a"))).hasMessage("dependency cycle: a -> a");
        assertThatThrownBy(() -> DagRunner.of(graph("a", "")).parallelism(0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> DagRunner.of(graph("a", "")).alreadyDone(List.of("z"))).hasMessageContaining("[z]");
    }
}
