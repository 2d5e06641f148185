package io.upshift.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.upshift.kubernetes.DeploymentRules;
import io.upshift.lifecycle.Reconciler;
import io.upshift.store.UpgradeRecords;

/** The measurements of one forked JVM: an Upshift upgrade, or the kubectl script, of one platform size. */
final class BenchRuns {

    private static final int PROBE_ROUNDS = 3;

    private BenchRuns() {
    }

    /** Boots Upshift, measures one service's rollout alone, then the whole upgrade through HTTP. */
    static Map<String, Object> upshift(int n, String readinessDelay, Path work) throws Exception {
        BenchPlatform platform = BenchPlatform.of(n);
        Path seed = BenchApplication.write(work.resolve("platform-" + BenchPlatform.CURRENT + ".yaml"),
                platform.config(BenchPlatform.CURRENT));
        Map<String, Object> result = new LinkedHashMap<>();
        try (BenchApplication app = new BenchApplication(work, seed, n, readinessDelay)) {
            List<Long> steps = probe(app, platform.layers().get(0).get(0));
            long step = median(steps);
            result.put("stepMillis", step);
            result.put("stepSamplesMillis", steps);

            for (String version : List.of(BenchPlatform.TARGET, BenchPlatform.TARGET_2)) {
                HttpResponse<String> imported = app.post("/api/versions", "application/yaml", platform.config(version));
                if (imported.statusCode() / 100 != 2) {
                    throw new IllegalStateException("import answered " + imported.statusCode() + ": " + imported.body());
                }
            }
            result.put("idealMillis", BenchPlatform.DEPTH * step);
            // the first upgrade after start runs in a cold JVM (classes loading, JIT); the second is warm
            result.put("first", upgrade(app, BenchPlatform.TARGET));
            result.put("second", upgrade(app, BenchPlatform.TARGET_2));
            result.put("peakRssKiB", vmHwmKiB());
        }
        return result;
    }

    /** One upgrade through HTTP, timed from sending the request until the record is SUCCEEDED. */
    private static Map<String, Object> upgrade(BenchApplication app, String target) throws Exception {
        Reconciler execution = app.camel().getRegistry().lookupByNameAndType("reconciler", Reconciler.class);
        UpgradeRecords store = app.camel().getRegistry().lookupByNameAndType("upgradeRecords", UpgradeRecords.class);
        app.takeRequests();
        long t0 = System.nanoTime();
        HttpResponse<String> accepted = app.post("/api/upgrades", "application/json",
                "{\"targetVersion\":\"" + target + "\",\"acceptRisk\":true,\"requestedBy\":\"bench\"}");
        long accept = System.nanoTime();
        if (accepted.statusCode() != 202) {
            throw new IllegalStateException("upgrade answered " + accepted.statusCode() + ": " + accepted.body());
        }
        String id = app.json(accepted.body()).path("id").asText();
        // the run leaves the Reconciler's in-memory table when it ends: a map look-up every 5 ms,
        // and the stored record read only once that happened
        long deadline = t0 + TimeUnit.MINUTES.toNanos(30);
        while (execution.isRunning(id) || !store.find(id).orElseThrow().state().isFinal()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("upgrade " + id + " did not finish within 30 minutes");
            }
            Thread.sleep(5);
        }
        long wall = System.nanoTime() - t0;
        JsonNode record = app.get("/api/upgrades/" + id);
        if (!"SUCCEEDED".equals(record.path("state").asText())) {
            throw new IllegalStateException("upgrade " + id + " ended " + record.path("state").asText() + ": "
                    + record.path("message").asText());
        }
        BenchApplication.RequestCount requests = app.takeRequests();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("wallMillis", wall / 1_000_000.0);
        result.put("acceptMillis", (accept - t0) / 1_000_000.0);
        result.put("requests", requests.client());
        result.put("controllerRequests", requests.controller());
        result.put("requestsByKind", requests.byKind());
        result.putAll(timeline(record));
        return result;
    }

    /**
     * Rolls one service alone, away to a probe image and back, {@link #PROBE_ROUNDS} times, with the
     * patch Upshift sends (image, RollingUpdate maxUnavailable 0 / maxSurge 1); each sample is the
     * time from sending the patch to seeing the Deployment rolled out, by watch.
     */
    private static List<Long> probe(BenchApplication app, String service) {
        List<Long> samples = new ArrayList<>();
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(app.sandbox().clientConfig()).build()) {
            String original = BenchPlatform.image(service, BenchPlatform.CURRENT);
            for (int i = 0; i < PROBE_ROUNDS; i++) {
                samples.add(roll(client, service, BenchPlatform.image(service, "probe-" + i)));
                samples.add(roll(client, service, original));
            }
        }
        return samples;
    }

    private static long roll(KubernetesClient client, String service, String image) {
        String patch = "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"" + image
                + "\"},{\"op\":\"add\",\"path\":\"/spec/strategy\",\"value\":{\"type\":\"RollingUpdate\","
                + "\"rollingUpdate\":{\"maxUnavailable\":0,\"maxSurge\":1}}}]";
        var deployment = client.apps().deployments().inNamespace(BenchPlatform.NAMESPACE).withName(service);
        long t0 = System.nanoTime();
        long generation = DeploymentRules.generation(deployment.patch(PatchContext.of(PatchType.JSON), patch));
        deployment.waitUntilCondition(d -> d != null && DeploymentRules.observed(d, generation)
                && DeploymentRules.rolledOut(d) && image.equals(image(d)), 60, TimeUnit.SECONDS);
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static String image(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    /** Where the time went, from the record's timestamps. */
    private static Map<String, Object> timeline(JsonNode record) {
        Map<String, Instant> started = new HashMap<>();
        Map<String, Instant> finished = new HashMap<>();
        Map<String, List<String>> deps = new HashMap<>();
        for (JsonNode s : record.path("services")) {
            String name = s.path("name").asText();
            started.put(name, instant(s.path("startedAt")));
            finished.put(name, instant(s.path("finishedAt")));
            List<String> d = new ArrayList<>();
            s.path("dependsOn").forEach(x -> d.add(x.asText()));
            deps.put(name, d);
        }
        List<Long> depToStart = new ArrayList<>();
        List<Long> stepDurations = new ArrayList<>();
        Instant firstStart = Collections.min(started.values());
        Instant lastFinish = Collections.max(finished.values());
        for (String name : started.keySet()) {
            stepDurations.add(micros(started.get(name), finished.get(name)));
            Instant ready = deps.get(name).stream().map(finished::get).max(Instant::compareTo).orElse(null);
            if (ready != null) {
                depToStart.add(micros(ready, started.get(name)));
            }
        }
        Collections.sort(depToStart);
        Collections.sort(stepDurations);
        Map<String, Object> t = new LinkedHashMap<>();
        Instant created = instant(record.path("createdAt"));
        t.put("createdToFirstStartMillis", micros(created, firstStart) / 1000.0);
        t.put("lastFinishToEndMillis", micros(lastFinish, instant(record.path("finishedAt"))) / 1000.0);
        t.put("depToStartMedianMillis", percentile(depToStart, 50) / 1000.0);
        t.put("depToStartP99Millis", percentile(depToStart, 99) / 1000.0);
        t.put("depToStartMaxMillis", depToStart.get(depToStart.size() - 1) / 1000.0);
        t.put("stepMedianMillis", percentile(stepDurations, 50) / 1000.0);
        t.put("stepP99Millis", percentile(stepDurations, 99) / 1000.0);
        t.put("recordWallMillis", micros(created, instant(record.path("finishedAt"))) / 1000.0);
        return t;
    }

    /** Runs the operator's script: kubectl patch + kubectl rollout status per service, in order. */
    static Map<String, Object> script(int n, String readinessDelay, Path work) throws Exception {
        BenchPlatform platform = BenchPlatform.of(n);
        Path seed = BenchApplication.write(work.resolve("platform-" + BenchPlatform.CURRENT + ".yaml"),
                platform.config(BenchPlatform.CURRENT));
        Map<String, Object> result = new LinkedHashMap<>();
        try (BenchApplication app = new BenchApplication(work, seed, n, readinessDelay)) {
            Path kubeconfig = app.sandbox().kubeconfig();
            StringBuilder sh = new StringBuilder("#!/bin/bash\n# what an operator would run, one service at a time\n"
                    + "set -euo pipefail\n");
            sh.append("k() { /usr/bin/kubectl --kubeconfig '").append(kubeconfig).append("' --cache-dir '")
                    .append(work.resolve("kube-cache")).append("' -n ").append(BenchPlatform.NAMESPACE)
                    .append(" \"$@\"; }\n");
            for (String service : platform.topologicalOrder()) {
                sh.append("k patch deployment ").append(service).append(" --type=json -p '[{\"op\":\"replace\",")
                        .append("\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"")
                        .append(BenchPlatform.image(service, BenchPlatform.TARGET)).append("\"}]'\n");
                sh.append("k rollout status deployment/").append(service).append(" --timeout=10m\n");
            }
            Path file = BenchApplication.write(work.resolve("upgrade.sh"), sh.toString());
            app.takeRequests();
            long t0 = System.nanoTime();
            Process process = new ProcessBuilder("bash", file.toString()).redirectErrorStream(true)
                    .redirectOutput(work.resolve("upgrade.sh.log").toFile()).start();
            if (!process.waitFor(3, TimeUnit.HOURS) || process.exitValue() != 0) {
                throw new IllegalStateException("the kubectl script failed; see " + work.resolve("upgrade.sh.log"));
            }
            long wall = System.nanoTime() - t0;
            BenchApplication.RequestCount requests = app.takeRequests();
            result.put("scriptWallMillis", wall / 1_000_000.0);
            result.put("scriptRequests", requests.client());
            result.put("scriptRequestsByKind", requests.byKind());
            result.put("script", file.toString());
        }
        return result;
    }

    // ---- helpers

    private static Instant instant(JsonNode node) {
        if (node.isNumber()) {
            BigDecimal seconds = node.decimalValue();
            return Instant.ofEpochSecond(seconds.longValue(),
                    seconds.subtract(new BigDecimal(seconds.longValue())).movePointRight(9).longValue());
        }
        return Instant.parse(node.asText());
    }

    private static long micros(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1000;
    }

    static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return percentile(sorted, 50);
    }

    /** Nearest-rank percentile of a sorted list. */
    static long percentile(List<Long> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    /** Peak resident set size of this JVM (VmHWM), in KiB. */
    static long vmHwmKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
