package io.upshift.upgrade;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A release's jobs (issue 13), through HTTP on the sandbox: the version's before-jobs ahead of every
 * service (in downtime mode once every service is down), a service's own before-job ahead of it,
 * after-jobs once every service is ready; each Job created, waited for and read back through the
 * Kubernetes API, its pod log tail in the upgrade log; a failed job fails the upgrade with its output.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReleaseJobsTest extends UpshiftTestSupport {

    /** 5.1.2.02's services at {@code version}, with the jobs given (YAML, at version level) and metadata's own. */
    private static byte[] release(String version, String versionJobs) throws Exception {
        String base = new String(example("platform-5.1.2.02.yaml")).replace("5.1.2.02", version);
        String metadata = "    dependsOn: [config-center]\n  - name: scheduler";
        assertThat(base).contains(metadata);
        return (base.replace(metadata, String.join("\n",
                "    dependsOn: [config-center]",
                "    jobs:",
                "      before:",
                "        - name: metadata-cache-" + version.replace('.', '-'),
                "          image: registry.upshift.local/dataphin/metadata:" + version,
                "          command: [/metadata, drop-cache]",
                "  - name: scheduler")) + versionJobs).getBytes();
    }

    private String startUpgrade(String version, String mode) throws Exception {
        return body(postJson("/api/upgrades", "{\"targetVersion\":\"" + version + "\",\"acceptRisk\":true"
                + (mode == null ? "" : ",\"mode\":\"" + mode + "\"") + "}")).path("id").asText();
    }

    private List<Job> jobsOf(String upgradeId) {
        return kubernetes().batch().v1().jobs().inNamespace("platform")
                .withLabel("upshift.io/upgrade", upgradeId.toLowerCase()).list().getItems();
    }

    private static JsonNode job(JsonNode record, String name) {
        for (JsonNode j : record.path("jobs")) {
            if (j.path("name").asText().equals(name)) {
                return j;
            }
        }
        throw new AssertionError("no job " + name + " in " + record);
    }

    @Test
    @Order(1)
    void zeroDowntimeRunsBeforeJobsFirstAServicesJobBeforeItAndAfterJobsLast() throws Exception {
        assertThat(post("/api/versions", "application/yaml", example("platform-5.1.2.02.yaml")).statusCode()).isIn(200, 201);
        assertThat(post("/api/versions", "application/yaml", release("5.1.2.03", String.join("\n",
                "jobs:",
                "  before:",
                "    - name: migrate-schema",
                "      image: registry.upshift.local/dataphin/migrations:5.1.2.03",
                "      command: [/migrate, --to, \"5.1.2.03\"]",
                "      env: {TARGET: \"5.1.2.03\"}",
                "      backoffLimit: 1",
                "  after:",
                "    - name: warm-cache",
                "      image: registry.upshift.local/dataphin/warmer:5.1.2.03",
                ""))).statusCode()).isIn(200, 201);

        String id = startUpgrade("5.1.2.03", null);
        JsonNode ended = awaitUpgrade(id, "SUCCEEDED");

        assertThat(job(ended, "migrate-schema").path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(job(ended, "migrate-schema").path("stage").asText()).isEqualTo("BEFORE");
        assertThat(job(ended, "metadata-cache-5-1-2-03").path("service").asText()).isEqualTo("metadata");
        assertThat(job(ended, "warm-cache").path("state").asText()).isEqualTo("SUCCEEDED");
        assertThat(job(ended, "migrate-schema").path("output").asText())
                .contains("sandbox: registry.upshift.local/dataphin/migrations:5.1.2.03 /migrate --to 5.1.2.03");

        // the Jobs, read back through the Kubernetes API: kept, complete, as the version config says
        List<Job> jobs = jobsOf(id);
        assertThat(jobs).extracting(j -> j.getMetadata().getLabels().get("upshift.io/job"))
                .containsExactlyInAnyOrder("migrate-schema", "metadata-cache-5-1-2-03", "warm-cache");
        Job migrate = jobs.stream().filter(j -> j.getMetadata().getLabels().get("upshift.io/job").equals("migrate-schema"))
                .findFirst().orElseThrow();
        assertThat(migrate.getMetadata().getName()).isEqualTo("migrate-schema-" + id.toLowerCase() + "-1");
        assertThat(migrate.getSpec().getBackoffLimit()).isEqualTo(1);
        assertThat(migrate.getSpec().getTtlSecondsAfterFinished()).isEqualTo(24 * 3600);
        var container = migrate.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("registry.upshift.local/dataphin/migrations:5.1.2.03");
        assertThat(container.getCommand()).containsExactly("/migrate", "--to", "5.1.2.03");
        assertThat(container.getEnv()).singleElement().satisfies(e -> {
            assertThat(e.getName()).isEqualTo("TARGET");
            assertThat(e.getValue()).isEqualTo("5.1.2.03");
        });
        assertThat(migrate.getStatus().getSucceeded()).isEqualTo(1);

        String log = get("/api/upgrades/" + id + "/logs").body();
        int migrated = log.indexOf("job migrate-schema: succeeded");
        int firstService = log.indexOf("config-center: rolling update");
        int metadataJob = log.indexOf("job metadata-cache-5-1-2-03: succeeded");
        int metadataRolls = log.indexOf("metadata: rolling update");
        int configCenterDone = log.indexOf("config-center: rolled from");
        int warmStarts = log.indexOf("job warm-cache (after the services): started");
        assertThat(migrated).isPositive().isLessThan(firstService);
        assertThat(configCenterDone).isLessThan(metadataJob);
        assertThat(metadataJob).isPositive().isLessThan(metadataRolls);
        assertThat(log.indexOf("web-console: rolled from")).isPositive().isLessThan(warmStarts);
        assertThat(log).contains("job migrate-schema:   | sandbox: registry.upshift.local/dataphin/migrations:5.1.2.03"
                + " /migrate --to 5.1.2.03");
    }

    @Test
    @Order(2)
    void downtimeRunsTheBeforeJobsOnceEveryServiceIsDown() throws Exception {
        assertThat(post("/api/versions", "application/yaml", release("5.1.2.04", String.join("\n",
                "jobs:",
                "  before:",
                "    - name: update-data",
                "      image: registry.upshift.local/dataphin/migrations:5.1.2.04",
                ""))).statusCode()).isIn(200, 201);

        String id = startUpgrade("5.1.2.04", "DOWNTIME");
        awaitUpgrade(id, "SUCCEEDED");

        String log = get("/api/upgrades/" + id + "/logs").body();
        int lastDown = log.lastIndexOf("scaled down from");
        int updateData = log.indexOf("job update-data (before the services): started");
        int firstUp = log.indexOf(": scaling up");
        assertThat(lastDown).isPositive().isLessThan(updateData);
        assertThat(log.indexOf("job update-data: succeeded")).isLessThan(firstUp);
    }

    @Test
    @Order(3)
    void aFailedAfterJobFailsTheUpgradeWithItsOutputAndRollsBack() throws Exception {
        assertThat(post("/api/versions", "application/yaml", release("5.1.2.05", String.join("\n",
                "jobs:",
                "  after:",
                "    - name: smoke-data",
                "      image: registry.upshift.local/dataphin/smoke:broken-5.1.2.05",
                "      command: [/smoke]",
                "      backoffLimit: 1",
                ""))).statusCode()).isIn(200, 201);

        String id = startUpgrade("5.1.2.05", null);
        JsonNode ended = awaitUpgrade(id, "ROLLED_BACK");

        assertThat(ended.path("message").asText()).startsWith("job smoke-data (after the services) failed:"
                + " BackoffLimitExceeded: sandbox: registry.upshift.local/dataphin/smoke:broken-5.1.2.05 /smoke")
                .contains("exit code 1");
        assertThat(job(ended, "smoke-data").path("state").asText()).isEqualTo("FAILED");
        for (JsonNode s : ended.path("services")) {
            assertThat(s.path("state").asText()).as(s.path("name").asText()).isEqualTo("ROLLED_BACK");
        }
        assertThat(image("gateway")).isEqualTo("registry.upshift.local/dataphin/gateway:5.1.2.04");
        Job smoke = jobsOf(id).stream().filter(j -> j.getMetadata().getLabels().get("upshift.io/job").equals("smoke-data"))
                .findFirst().orElseThrow();
        assertThat(smoke.getStatus().getFailed()).as("two attempts (backoffLimit 1)").isEqualTo(2);
        assertThat(get("/api/upgrades/" + id + "/logs").body()).contains("job smoke-data: FAILED: BackoffLimitExceeded");
    }
}
