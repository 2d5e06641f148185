package io.upshift.upgrade;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.CapturedLog;
import io.upshift.UpshiftTestSupport;
import io.upshift.sandbox.SandboxCluster;
import io.upshift.sandbox.SandboxFaults;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each sandbox fault × zero-downtime and downtime, through the running application: an upgrade
 * requested over HTTP ends in the outcome docs/faults.md documents, within {@link #awaitUpgrade}'s
 * bound. Every case upgrades to a version of its own (the next patch for zero-downtime, the next
 * minor for downtime), made from examples/platform-5.1.2.04.yaml.
 */
class FaultMatrixTest extends UpshiftTestSupport {

    @Override
    protected Properties settings() {
        Properties p = new Properties();
        p.setProperty("upshift.sandbox.progress-deadline-seconds", "2");
        // a never-ready step fails by the controller's ProgressDeadlineExceeded (2 s), reported on the watch;
        // Upshift's own no-progress bound (deadline + grace) stays above the watch reconnect backoff
        p.setProperty("upshift.rollout.deadline-grace", "5s");
        p.setProperty("upshift.kubernetes.retry-backoff", "20ms");
        p.setProperty("upshift.kubernetes.retry-max-backoff", "200ms");
        p.setProperty("upshift.kubernetes.retry-attempts", "8");
        p.setProperty("upshift.kubernetes.retry-deadline", "20s");
        return p;
    }

    enum Mode {
        ZERO_DOWNTIME, DOWNTIME
    }

    /** A fault, the mode, and what the upgrade must end in: its state and what its message or the cluster shows. */
    static Stream<Arguments> cases() {
        // every verb Upshift sends (get, list, watch, patch, create, delete…) on every resource
        Map<String, String> transientErrors = Map.of("errors", "*:0.2,patch:0.3", "error-status", "503",
                "throttle", "*:0.05,patch:0.1", "retry-after", "1", "seed", "19");
        // 200 ms: a downtime upgrade on a quiet machine can end within 500 ms of its watch's reconnect, before any close
        Map<String, String> watches = Map.of("watch-close-every", "200ms", "watch-gone", "0.2", "seed", "7");
        return Stream.of(
                Arguments.of("transient errors and 429", transientErrors, Mode.ZERO_DOWNTIME, "SUCCEEDED", null),
                Arguments.of("transient errors and 429", transientErrors, Mode.DOWNTIME, "SUCCEEDED", null),
                Arguments.of("closed and expired watches", watches, Mode.ZERO_DOWNTIME, "SUCCEEDED", null),
                Arguments.of("closed and expired watches", watches, Mode.DOWNTIME, "SUCCEEDED", null),
                // the edit lands on web-console (rolled last) after the 2nd write, before its own step: that step
                // compares with the image the record holds from before the upgrade (an edit mid-step, seen on the
                // watch, is RolloutsFaultsTest's); in downtime writes 1-7 scale down, 8-14 scale up
                Arguments.of("foreign image edit", Map.of("foreign-edit.after-writes", "2",
                        "foreign-edit.deployment", "web-console",
                        "foreign-edit.image", "registry.upshift.local/dataphin/hotfix:1"), Mode.ZERO_DOWNTIME,
                        "ROLLED_BACK", "the image of container console is now registry.upshift.local/dataphin/hotfix:1"),
                // downtime: the edit lands on web-console while it is at 0, after the first scale-up (config-center's)
                // and before its own: its scale-up compares with the image the record holds from before the upgrade
                Arguments.of("foreign image edit", Map.of("foreign-edit.after-writes", "8",
                        "foreign-edit.deployment", "web-console",
                        "foreign-edit.image", "registry.upshift.local/dataphin/hotfix:1"), Mode.DOWNTIME,
                        "ROLLED_BACK", "the image of container console is now registry.upshift.local/dataphin/hotfix:1"),
                Arguments.of("autoscaler changes replicas", Map.of("foreign-edit.after-writes", "2",
                        "foreign-edit.replicas", "3"), Mode.ZERO_DOWNTIME, "SUCCEEDED", null),
                Arguments.of("autoscaler changes replicas", Map.of("foreign-edit.after-writes", "9",
                        "foreign-edit.replicas", "3"), Mode.DOWNTIME, "SUCCEEDED", null),
                Arguments.of("pods never ready", Map.of("never-ready", "gateway"), Mode.ZERO_DOWNTIME, "ROLLED_BACK",
                        "progress deadline"),
                Arguments.of("pods never ready", Map.of("never-ready", "gateway"), Mode.DOWNTIME, "ROLLED_BACK",
                        "progress deadline"));
    }

    private SandboxCluster sandbox() {
        return context.hasService(SandboxCluster.class);
    }

    @AfterEach
    void clearFaults() {
        sandbox().faults(SandboxFaults.none());
    }

    @ParameterizedTest(name = "{0}, {2}: {3}")
    @MethodSource("cases")
    void eachFaultEndsInItsDocumentedOutcome(String fault, Map<String, String> faults, Mode mode, String outcome,
            String reason) throws Exception {
        String from = body(get("/api/platform")).path("currentVersion").asText();
        String target = next(from, mode);
        String config = new String(example("platform-5.1.2.04.yaml")).replace("5.1.2.04", target);
        assertThat(post("/api/versions", "application/yaml", config.getBytes()).statusCode()).isIn(200, 201);

        sandbox().faults(SandboxFaults.parse(faults));
        HttpResponse<String> accepted = postJson("/api/upgrades", "{\"targetVersion\":\"" + target + "\",\"acceptRisk\":true}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String id = body(accepted).path("id").asText();
        JsonNode ended = awaitUpgrade(id, outcome);
        Map<String, Long> injected = sandbox().injectedFaults();
        sandbox().faults(SandboxFaults.none());

        assertThat(ended.path("mode").asText()).isEqualTo(mode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        assertThat(injected.values().stream().mapToLong(Long::longValue).sum()).as("faults injected: %s", injected)
                .isPositive();
        if (reason != null) {
            assertThat(ended.path("message").asText()).contains(reason);
        }
        String expected = outcome.equals("SUCCEEDED") ? target : from;
        for (JsonNode service : ended.path("services")) {
            assertThat(image(service.path("deployment").asText(service.path("name").asText()))).as(service.toString())
                    .endsWith(":" + expected);
        }
        assertThat(body(get("/api/platform")).path("upgradeInProgress").isNull()).isTrue();
        if (faults.containsKey("errors")) {
            assertThat(get("/observe/metrics").body()).containsPattern(
                    "upshift_kubernetes_retries_total\\{outcome=\"retried\",reason=\"(503|429)\"} [1-9]");
        }
    }

    /**
     * The cluster's other readers (the snapshot, the planner, the pre-checks) go through the same retry as a rollout:
     * with half the gets and lists answered 503 they still answer, and the retries are counted.
     */
    @Test
    void theSnapshotThePlanAndThePrechecksRetryTransientErrors() throws Exception {
        String from = body(get("/api/platform")).path("currentVersion").asText();
        String target = next(from, Mode.ZERO_DOWNTIME);
        String config = new String(example("platform-5.1.2.04.yaml")).replace("5.1.2.04", target);
        assertThat(post("/api/versions", "application/yaml", config.getBytes()).statusCode()).isIn(200, 201);
        double before = retries();

        try (CapturedLog log = new CapturedLog()) {
            // the leader election's Lease left out: its requests would draw from the same seeded sequence. Seed 4099
            // fails the first and the third request: the snapshot's first read and the plan's first list
            sandbox().faults(SandboxFaults.parse(Map.of("errors", "get:0.5,list:0.5", "error-status", "503",
                    "resources", "deployments|resourcequotas|poddisruptionbudgets", "seed", "4099")));
            HttpResponse<String> snapshot = get("/api/platform/snapshot");
            HttpResponse<String> plan = postJson("/api/upgrades?dryRun=true",
                    "{\"targetVersion\":\"" + target + "\",\"acceptRisk\":true}");
            Map<String, Long> injected = sandbox().injectedFaults();
            sandbox().faults(SandboxFaults.none());

            assertThat(snapshot.statusCode()).as(snapshot.body()).isEqualTo(200);
            assertThat(body(snapshot).path("services")).hasSize(7);
            assertThat(plan.statusCode()).as(plan.body()).isEqualTo(200);
            assertThat(body(plan).path("services")).hasSize(7);
            assertThat(injected.getOrDefault("errors", 0L)).as("faults injected: %s", injected).isPositive();
            assertThat(retries() - before).isEqualTo(injected.get("errors").doubleValue());
            assertThat(log.lines()).anyMatch(l -> l.contains("ApiRetry - snapshot: ") && l.contains("retrying"))
                    .anyMatch(l -> l.contains("ApiRetry - plan: list Deployments in platform") && l.contains("retrying"));
        }
    }

    private double retries() throws Exception {
        return get("/observe/metrics").body().lines()
                .filter(l -> l.startsWith("upshift_kubernetes_retries_total{") && l.contains("outcome=\"retried\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** The next patch (same first three segments: zero downtime) or the next minor (downtime). */
    private static String next(String version, Mode mode) {
        String[] v = version.split("\\.");
        if (mode == Mode.ZERO_DOWNTIME) {
            return v[0] + "." + v[1] + "." + v[2] + "." + String.format("%02d", Integer.parseInt(v[3]) + 1);
        }
        return v[0] + "." + (Integer.parseInt(v[1]) + 1) + ".0.01";
    }
}
