package io.upshift.verify;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The VERIFYING stage end to end, over real HTTP on the sandbox: httpGet checks through the API
 * server's service proxy and Jobs that must succeed; a failed check ends the upgrade FAILED (no
 * rollback here) with the check's output, and resume-verification runs the checks again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VerificationTest extends UpshiftTestSupport {

    @Override
    protected Properties settings() {
        Properties p = new Properties();
        p.setProperty("upshift.upgrade.rollback-on-failure", "false");
        p.setProperty("upshift.verify.retry-delay", "20ms");
        return p;
    }

    /** The example 5.1.2.04 as {@code version}, with {@code checks} added (service → its verify block). */
    private byte[] version(String version, Map<String, String> checks) throws Exception {
        String yaml = new String(example("platform-5.1.2.04.yaml")).replace("5.1.2.04", version);
        for (var e : checks.entrySet()) {
            String line = "    image: registry.upshift.local/dataphin/" + e.getKey() + ":" + version + "\n";
            assertThat(yaml).contains(line);
            yaml = yaml.replace(line, line + "    verify:\n" + e.getValue().indent(6));
        }
        return yaml.getBytes();
    }

    private String upgrade(String version) throws Exception {
        HttpResponse<String> accepted = postJson("/api/upgrades", "{\"targetVersion\":\"" + version
                + "\",\"acceptRisk\":true}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        return body(accepted).path("id").asText();
    }

    @Test
    @Order(1)
    void everyCheckPassesAndTheUpgradeSucceedsWithItsResultsInTheRecord() throws Exception {
        assertThat(post("/api/versions", "application/yaml", version("5.1.2.03", Map.of(
                "auth", "httpGet: {path: /healthz, port: 8080, expectStatus: 200, timeout: 2s, attempts: 2}",
                "gateway", "job: {image: registry.upshift.local/smoke:1, command: [/smoke, --gateway], timeout: 30s}")))
                .statusCode()).isEqualTo(201);
        String id = upgrade("5.1.2.03");

        JsonNode ended = awaitUpgrade(id, "SUCCEEDED");
        JsonNode services = ended.path("verification").path("services");
        assertThat(services).hasSize(2);
        // dependency order: auth before gateway
        assertThat(services.get(0).path("service").asText()).isEqualTo("auth");
        JsonNode http = services.get(0).path("checks").get(0);
        assertThat(http.path("check").asText()).isEqualTo("httpGet /healthz on port 8080");
        assertThat(http.path("result").asText()).isEqualTo("pass");
        assertThat(http.path("detail").asText()).startsWith("answered 200");
        assertThat(http.path("at").asText()).isNotBlank();
        JsonNode job = services.get(1).path("checks").get(0);
        assertThat(services.get(1).path("service").asText()).isEqualTo("gateway");
        assertThat(job.path("check").asText()).isEqualTo("job registry.upshift.local/smoke:1");
        assertThat(job.path("result").asText()).isEqualTo("pass");
        assertThat(job.path("detail").asText()).contains("succeeded", "/smoke --gateway", "exit code 0");

        String log = get("/api/upgrades/" + id + "/logs").body();
        assertThat(log).contains("auth: verify httpGet /healthz on port 8080: pass",
                "gateway: verify job registry.upshift.local/smoke:1: pass", "gateway:   | sandbox: completed",
                "verification: 2 checks on 2 services, 2 passed", "ended SUCCEEDED");
        assertThat(log.indexOf("verification: 2 checks")).isGreaterThan(log.indexOf("web-console: "));
        assertThat(body(get("/api/platform")).path("currentVersion").asText()).isEqualTo("5.1.2.03");
        // the verification Job was cleaned up
        assertThat(kubernetes().batch().v1().jobs().inNamespace("platform").list().getItems()).isEmpty();
    }

    @Test
    @Order(2)
    void aFailedCheckEndsTheUpgradeFailedAndResumeVerificationRunsTheChecksAgain() throws Exception {
        kubernetes().apps().deployments().inNamespace("platform").withName("web-console").edit(d -> {
            d.getMetadata().getAnnotations().put("upshift.io/proxy-status", "/healthz=500");
            return d;
        });
        post("/api/versions", "application/yaml", version("5.1.2.04", Map.of(
                "web-console", "httpGet: {path: /healthz, port: 8080, attempts: 2}")));
        String id = upgrade("5.1.2.04");

        JsonNode failed = awaitUpgrade(id, "FAILED");
        assertThat(failed.path("message").asText()).startsWith(
                "verification failed: web-console: httpGet /healthz on port 8080: answered 500")
                .contains("(expected 200, attempt 2 of 2)");
        assertThat(failed.path("verification").path("services").get(0).path("checks").get(0).path("result").asText())
                .isEqualTo("fail");
        // the services stay at the target (no rollback-on-failure here); the platform's version is unchanged
        assertThat(image("web-console")).endsWith(":5.1.2.04");
        assertThat(body(get("/api/platform")).path("currentVersion").asText()).isEqualTo("5.1.2.03");

        // a plain resume would roll nothing: resume-verification is the action for this record
        kubernetes().apps().deployments().inNamespace("platform").withName("web-console").edit(d -> {
            d.getMetadata().getAnnotations().remove("upshift.io/proxy-status");
            return d;
        });
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> kubernetes().services()
                .inNamespace("platform").withName("web-console").get() != null);
        HttpResponse<String> resumed = postJson("/api/upgrades/" + id + "/resume-verification", "{\"note\":\"fixed\"}");
        assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);

        JsonNode succeeded = awaitUpgrade(id, "SUCCEEDED");
        assertThat(succeeded.path("verification").path("services").get(0).path("checks").get(0).path("result").asText())
                .isEqualTo("pass");
        assertThat(succeeded.path("actions").get(0).path("action").asText()).isEqualTo("resume-verification");
        assertThat(body(get("/api/platform")).path("currentVersion").asText()).isEqualTo("5.1.2.04");
        assertThat(get("/api/upgrades/" + id + "/logs").body()).contains("verification resumed by " + OPERATOR,
                "verification: 1 check on 1 service, 1 passed");

        HttpResponse<String> again = postJson("/api/upgrades/" + id + "/resume-verification", "{}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(body(again).path("code").asText()).isEqualTo("ACTION_NOT_ALLOWED");
    }

    @Test
    @Order(3)
    void aFailingJobPutsItsLogTailInTheUpgradeLog() throws Exception {
        post("/api/versions", "application/yaml", version("5.1.2.05", Map.of(
                "gateway", "job: {image: registry.upshift.local/smoke:broken, timeout: 30s}")));
        String id = upgrade("5.1.2.05");

        JsonNode failed = awaitUpgrade(id, "FAILED");
        assertThat(failed.path("message").asText()).startsWith(
                "verification failed: gateway: job registry.upshift.local/smoke:broken: Job verify-gateway-")
                .contains("failed: BackoffLimitExceeded");
        assertThat(get("/api/upgrades/" + id + "/logs").body()).contains(
                "gateway: verify job registry.upshift.local/smoke:broken: fail",
                "gateway:   | sandbox: image matches the failing-image pattern", "exit code 1");
    }
}
