package io.upshift.metrics;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import io.upshift.UpshiftTestSupport;
import io.upshift.notify.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** After one upgrade, a failed login and its notifications, /observe/metrics has Upshift's series with their labels and counts. */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class MetricsTest extends UpshiftTestSupport {

    private WebhookReceiver receiver;

    private WebhookReceiver receiver() {
        if (receiver == null) {
            receiver = new WebhookReceiver();
        }
        return receiver;
    }

    @Override
    protected Properties settings() {
        Properties p = new Properties();
        p.setProperty("upshift.notify.hook.url", receiver().url("/hook"));
        return p;
    }

    @AfterAll
    void stopReceiver() {
        receiver.close();
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void oneUpgradeLeavesItsSeries() throws Exception {
        assertThat(metrics()).as("before any upgrade").containsEntry("upshift_upgrade_in_progress", 0.0);
        assertThat(post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml")).statusCode()).isEqualTo(201);
        String id = body(postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true}")).path("id").asText();
        JsonNode done = awaitUpgrade(id, "SUCCEEDED");
        assertThat(send(OPERATOR.replace("operator", "nobody"), HttpRequest.newBuilder(uri("/api/platform")).GET())
                .statusCode()).isEqualTo(401);
        assertThat(http.send(HttpRequest.newBuilder(uri("/api/platform")).header("Authorization", basic(OPERATOR, "wrong"))
                .GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.of(id, "/hook").size() == 6);

        long passes = 0;
        long dependents = 0;
        for (JsonNode s : done.path("services")) {
            passes += s.path("phases").size();
            dependents += s.path("phases").size() > 0 && s.path("dependsOn").size() > 0 ? 1 : 0;
        }
        Map<String, Double> m = metrics();
        org.slf4j.LoggerFactory.getLogger(MetricsTest.class).info("Upshift's series: {}", m.keySet().stream()
                .filter(k -> k.startsWith("upshift_")).toList());
        assertThat(m.get("upshift_upgrades_total{mode=\"zero-downtime\",outcome=\"succeeded\",trigger=\"http\"}")).isEqualTo(1.0);
        assertThat(m.get("upshift_upgrade_duration_seconds_count")).isEqualTo(1.0);
        assertThat(m.get("upshift_upgrade_duration_seconds_bucket{le=\"3600.0\"}")).isEqualTo(1.0);
        assertThat(passes).isPositive();
        assertThat(m.get("upshift_service_step_duration_seconds_count{mode=\"zero-downtime\"}")).isEqualTo((double) passes);
        assertThat(m.get("upshift_dependency_reaction_seconds_count")).isEqualTo((double) dependents);
        assertThat(m.get("upshift_upgrade_in_progress")).isEqualTo(0.0);
        assertThat(m.get("upshift_logins_failed_total")).isEqualTo(2.0);
        assertThat(m.get("upshift_notifications_total{receiver=\"hook\",result=\"delivered\"}")).isEqualTo(6.0);
        assertThat(m.get("upshift_kubernetes_requests_total{code=\"200\",verb=\"get\"}")).isPositive();
        // the rollouts' writes (JSON patch, or update on a conflict)
        assertThat(m.keySet()).anyMatch(k -> k.matches("upshift_kubernetes_requests_total\\{code=\"2\\d\\d\",verb=\"(patch|update)\"}"));
    }

    @Test
    @org.junit.jupiter.api.Order(2)
    void theSampleDashboardAsksOnlyForSeriesUpshiftExports() throws Exception {
        JsonNode dashboard = json.readTree(java.nio.file.Path.of("deploy/grafana-dashboard.json").toFile());
        java.util.Set<String> exported = new java.util.HashSet<>();
        metrics().keySet().forEach(k -> exported.add(k.replaceAll("\\{.*", "")));
        java.util.List<String> asked = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("upshift_[a-z_]+").matcher(dashboard.findValuesAsText("expr").toString());
        while (m.find()) {
            asked.add(m.group());
        }
        assertThat(asked).hasSizeGreaterThan(8);
        assertThat(exported).containsAll(asked);
    }

    /** The Prometheus text, series (name with labels) → value. */
    private Map<String, Double> metrics() throws Exception {
        Map<String, Double> values = new LinkedHashMap<>();
        for (String line : get("/observe/metrics").body().split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            values.put(line.substring(0, space), Double.valueOf(line.substring(space + 1)));
        }
        return values;
    }
}
