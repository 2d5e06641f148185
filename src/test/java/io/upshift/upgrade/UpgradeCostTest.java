package io.upshift.upgrade;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.upshift.UpshiftTestSupport;
import io.upshift.bench.BenchPlatform;
import io.upshift.config.KubernetesConfiguration;
import io.upshift.metrics.SqlStatementMetrics;
import io.upshift.metrics.SqlStatementMetrics.Count;
import io.upshift.metrics.SqlStatementMetrics.Kind;
import io.upshift.sandbox.SandboxCluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18's regression guards that are not timings: what an upgrade costs in Kubernetes requests
 * and SQL statements, counted where they happen (the sandbox API server's request log, the
 * datasource's statement counter), on the first upgrade after start of a generated 40-service
 * platform. A cost that grows per event with the size of the upgrade (a whole-record read or
 * write per service event, a GET per step) fails these, whatever the machine's load.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpgradeCostTest extends UpshiftTestSupport {

    private static final int SERVICES = 40;
    /** A service's events in a successful upgrade: started, finished. */
    private static final int EVENTS = 2 * SERVICES;

    private String upgradeId;

    @Override
    protected Properties settings() {
        // called while the application is configured, before this class's fields are set
        Properties p = new Properties();
        p.setProperty("upshift.sandbox.seed", BenchPlatform.of(SERVICES).seed(work).toString());
        p.setProperty("upshift.upgrade.parallelism", String.valueOf(SERVICES));
        return p;
    }

    @Test
    @Order(1)
    void anUpgradeCostsOneRequestPerStepAndAConstantNumberOfStatementsPerEvent() throws Exception {
        byte[] target = BenchPlatform.of(SERVICES).config(BenchPlatform.TARGET).getBytes();
        assertThat(post("/api/versions", "application/yaml", target).statusCode()).isEqualTo(201);
        SandboxCluster sandbox = context.hasService(SandboxCluster.class);
        sandbox.takeRequests();
        Map<Kind, Count> before = statements().counts();

        var accepted = postJson("/api/upgrades", "{\"targetVersion\":\"" + BenchPlatform.TARGET + "\",\"acceptRisk\":true}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        upgradeId = body(accepted).path("id").asText();
        // followed without reading the record (which would count): the metric of ended upgrades
        Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                .until(() -> endedUpgrades() == 1);

        Map<String, Integer> requests = byKind(sandbox.takeRequests());
        Map<Kind, Count> sql = SqlStatementMetrics.since(before, statements().counts());
        assertThat(body(get("/api/upgrades/" + upgradeId)).path("state").asText()).isEqualTo("SUCCEEDED");

        System.out.printf("upgrade of %d services: Kubernetes requests %s; SQL statements %s%n", SERVICES, requests, sql);
        // Kubernetes: a PATCH per step; the Deployment comes from the informer's cache, never a GET
        assertThat(requests.getOrDefault("PATCH deployment", 0)).as("requests %s", requests).isEqualTo(SERVICES);
        assertThat(requests.getOrDefault("GET deployment", 0)).as("requests %s", requests).isZero();
        int total = requests.values().stream().mapToInt(Integer::intValue).sum();
        assertThat(total).as("requests %s", requests).isLessThanOrEqualTo(2 * SERVICES).isLessThanOrEqualTo(SERVICES + 10);

        // SQL: the whole record is read once (when the event loop adopts the upgrade), never per event
        assertThat(count(sql, "select", "upgrade_service").statements()).as("statements %s", sql).isLessThanOrEqualTo(1);
        assertThat(count(sql, "select", "upgrade_record").statements()).as("statements %s", sql).isLessThanOrEqualTo(3);
        // a service event writes its own row, not the others', nor the record's (only a change of state does)
        assertThat(count(sql, "update", "upgrade_service").rows()).as("statements %s", sql).isLessThanOrEqualTo(EVENTS + 2);
        assertThat(count(sql, "update", "upgrade_record").statements()).as("statements %s", sql).isLessThanOrEqualTo(10);
        // and a bounded number of statements in all: the record's row, its service's row, the log lines
        long upgradeStatements = sql.entrySet().stream().filter(e -> e.getKey().table().startsWith("upgrade_"))
                .mapToLong(e -> e.getValue().statements()).sum();
        assertThat(upgradeStatements).as("statements %s", sql).isLessThanOrEqualTo(6L * EVENTS + 20);
    }

    @Test
    @Order(2)
    void theRecordAndTheListAreReadInTwoStatementsEach() throws Exception {
        Map<Kind, Count> before = statements().counts();
        JsonNode record = body(get("/api/upgrades/" + upgradeId));
        assertThat(record.path("services")).hasSize(SERVICES);
        Map<Kind, Count> one = SqlStatementMetrics.since(before, statements().counts());
        assertThat(upgradeReads(one)).as("statements %s", one).isEqualTo(2);

        before = statements().counts();
        JsonNode page = body(get("/api/upgrades?page=1&size=20"));
        assertThat(page).isNotEmpty();
        assertThat(page.get(0).path("services")).hasSize(SERVICES);
        Map<Kind, Count> list = SqlStatementMetrics.since(before, statements().counts());
        assertThat(upgradeReads(list)).as("statements %s", list).isEqualTo(2);
    }

    private static long upgradeReads(Map<Kind, Count> sql) {
        return count(sql, "select", "upgrade_record").statements() + count(sql, "select", "upgrade_service").statements();
    }

    private static Count count(Map<Kind, Count> sql, String statement, String table) {
        return sql.getOrDefault(new Kind(statement, table), new Count(0, 0));
    }

    private SqlStatementMetrics statements() {
        return context.getRegistry().lookupByNameAndType("sqlStatementMetrics", SqlStatementMetrics.class);
    }

    private double endedUpgrades() {
        MeterRegistry registry = context.getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        return registry.find("upshift.upgrades").counters().stream().mapToDouble(Counter::count).sum();
    }

    /**
     * Upshift's requests for the upgrade by method and resource (its User-Agent; the sandbox's own
     * controllers send fabric8's), leader election's left out.
     */
    private static Map<String, Integer> byKind(List<SandboxCluster.ApiRequest> requests) {
        Map<String, Integer> kinds = new TreeMap<>();
        for (SandboxCluster.ApiRequest r : requests) {
            if (r.userAgent() == null || !(r.userAgent().equals(KubernetesConfiguration.USER_AGENT) || r.userAgent().startsWith(KubernetesConfiguration.USER_AGENT + " "))) {
                continue;
            }
            int query = r.path().indexOf('?');
            String bare = query < 0 ? r.path() : r.path().substring(0, query);
            if (bare.contains("/leases/") || bare.contains("/pods")) {
                continue; // leader election: its Lease renewals and member lists run on a timer, not per upgrade
            }
            String what = bare.matches("/apis/apps/v1/namespaces/[^/]+/deployments/[^/]+") ? "deployment"
                    : r.path().contains("watch=") ? bare + " (watch)" : bare;
            kinds.merge(r.method() + " " + what, 1, Integer::sum);
        }
        return kinds;
    }
}
