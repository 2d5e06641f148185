package io.upshift.web;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The dependency graph and the timeline in real headless Chromium, on the 7-service example: the
 * dry-run plan as a graph, an upgrade followed live (a node changes colour as its service rolls,
 * restyled in place), the timeline's bars where the record's times put them, a downtime upgrade's
 * two phases.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleGraphBrowserTest extends BrowserTestSupport {

    /** The example's dependsOn edges, dependency → dependent. */
    private static final Set<String> EDGES = Set.of("config-center → auth", "config-center → metadata",
            "metadata → scheduler", "metadata → data-service", "auth → data-service", "auth → gateway",
            "data-service → gateway", "gateway → web-console");
    private static final Map<String, String> LAYERS = Map.of("config-center", "0", "auth", "1", "metadata", "1",
            "scheduler", "2", "data-service", "2", "gateway", "3", "web-console", "4");
    /** graph.css: --fill of a waiting, rolling and succeeded node. */
    private static final String WAITING = "rgb(251, 246, 233)";
    private static final String ROLLING = "rgb(207, 224, 250)";
    private static final String SUCCEEDED = "rgb(205, 235, 216)";
    /** timeline.js: the width of the name column left of the bars. */
    private static final double LABEL_W = 180;

    private String upgrade;
    private boolean loggedOn;

    /** Logs on once, when the application runs (it starts after the browser). */
    @BeforeEach
    void logOn() {
        if (!loggedOn) {
            chromium.logOn(uri("/"), OPERATOR, PASSWORD);
            loggedOn = true;
        }
    }

    @Test
    @Order(1)
    void theDryRunPlanIsDrawnAsTheDependencyGraph() throws Exception {
        assertThat(post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml")).statusCode()).isEqualTo(201);
        chromium.driver.get(uri("/console/upgrade.html").toString());
        chromium.wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#target option[value='5.1.2.04']")));
        new Select(chromium.byId("target")).selectByValue("5.1.2.04");
        chromium.wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#plan-graph g.node"), 7));

        assertThat(chromium.byId("plan-graph").isDisplayed()).isTrue();
        assertThat(edges("#plan-graph")).isEqualTo(EDGES);
        assertThat(layers("#plan-graph")).isEqualTo(LAYERS);
        assertThat(node("#plan-graph", "gateway").getText()).contains("gateway").contains("to upgrade · 2 replicas");
        // the table stays for keyboard and screen-reader users; the picture says what it is
        assertThat(chromium.driver.findElements(By.cssSelector("#plan-rows tr"))).hasSize(7);
        WebElement svg = chromium.driver.findElement(By.cssSelector("#plan-graph svg"));
        assertThat(svg.getAttribute("role")).isEqualTo("img");
        assertThat(chromium.script("return document.querySelector('#plan-graph svg > title').textContent"))
                .isEqualTo("Dependency graph of the planned upgrade");
        chromium.screenshot(chromium.driver.findElement(By.cssSelector("section[aria-labelledby='mode-heading']")), "plan-graph");
    }

    @Test
    @Order(2)
    void aNodeChangesColourInPlaceAsItsServiceRolls() throws Exception {
        // data-service takes 8 s to become ready (long enough for a loaded machine to load the page
        // while it rolls): gateway waits for it, then rolls
        kubernetes().apps().deployments().inNamespace("platform").withName("data-service").edit(d -> {
            d.getMetadata().getAnnotations().put("upshift.io/readiness-delay", "8s");
            return d;
        });
        var accepted = postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        upgrade = body(accepted).path("id").asText();
        chromium.driver.get(uri("/console/detail.html?id=" + upgrade).toString());

        chromium.wait.until(d -> classOf("data-service").contains("node-state-rolling"));
        assertThat(fill("data-service")).isEqualTo(ROLLING);
        assertThat(node("#dependency-graph", "data-service").getText()).contains("rolling · – / 2");
        assertThat(classOf("gateway")).contains("node-state-waiting");
        assertThat(fill("gateway")).isEqualTo(WAITING);
        chromium.script("window.gatewayNode = document.querySelector(\"#dependency-graph g.node[data-name='gateway']\")");
        assertThat(edges("#dependency-graph")).isEqualTo(EDGES);
        assertThat(layers("#dependency-graph")).isEqualTo(LAYERS);

        chromium.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("facts"), "succeeded"));
        chromium.wait.until(d -> classOf("gateway").contains("node-state-succeeded"));
        assertThat(fill("gateway")).isEqualTo(SUCCEEDED);
        assertThat(fill("data-service")).isEqualTo(SUCCEEDED);
        assertThat(node("#dependency-graph", "gateway").getText()).contains("succeeded · 2 / 2");
        // restyled, not redrawn: the same node element, one layout for every update of the record
        assertThat(chromium.script("return window.gatewayNode === document.querySelector("
                + "\"#dependency-graph g.node[data-name='gateway']\") && window.gatewayNode.isConnected")).isEqualTo(true);
        WebElement graphs = chromium.byId("upgrade-graphs");
        assertThat(graphs.getAttribute("data-layouts")).isEqualTo("1");
        assertThat(Integer.parseInt(graphs.getAttribute("data-updates"))).isGreaterThan(1);
        assertThat(chromium.driver.findElements(By.cssSelector("#services tr"))).hasSize(7);

        // the side panel: the chosen service's message, images and times
        node("#dependency-graph", "gateway").click();
        String panel = chromium.byId("graph-panel").getText();
        assertThat(panel).contains("gateway").contains("gateway:5.1.2.02").contains("gateway:5.1.2.04")
                .contains("auth, data-service").contains("rolled from");
    }

    @Test
    @Order(3)
    void theTimelinesBarsFollowTheRecordsTimes() throws Exception {
        JsonNode record = body(get("/api/upgrades/" + upgrade));
        WebElement svg = chromium.driver.findElement(By.cssSelector("#timeline svg.timeline"));
        double t0 = Double.parseDouble(svg.getAttribute("data-t0"));
        double t1 = Double.parseDouble(svg.getAttribute("data-t1"));
        double width = Double.parseDouble(svg.getAttribute("width")) - LABEL_W;
        assertThat(t0).isEqualTo(millis(record.path("startedAt")));
        assertThat(t1).isEqualTo(millis(record.path("finishedAt")));
        Map<String, JsonNode> services = new HashMap<>();
        record.path("services").forEach(s -> services.put(s.path("name").asText(), s));
        for (JsonNode s : services.values()) {
            List<WebElement> bars = row(s.path("name").asText()).findElements(By.cssSelector("rect.bar"));
            assertThat(bars).hasSize(1);
            WebElement bar = bars.get(0);
            assertThat(bar.getAttribute("data-kind")).isEqualTo("ROLLING");
            double start = millis(s.path("startedAt"));
            double end = millis(s.path("finishedAt"));
            assertThat(attribute(bar, "x")).isCloseTo(LABEL_W + (start - t0) / (t1 - t0) * width, within(0.2));
            assertThat(attribute(bar, "width")).isCloseTo(Math.max(1, (end - start) / (t1 - t0) * width), within(0.2));
        }
        // gateway waited for data-service, the last of its dependencies to finish: the gap shows it
        WebElement gap = row("gateway").findElement(By.cssSelector("rect.gap"));
        double dataServiceDone = millis(services.get("data-service").path("finishedAt"));
        double gatewayStart = millis(services.get("gateway").path("startedAt"));
        assertThat(attribute(gap, "x")).isCloseTo(LABEL_W + (dataServiceDone - t0) / (t1 - t0) * width, within(0.2));
        assertThat(attribute(gap, "x") + attribute(gap, "width"))
                .isCloseTo(LABEL_W + (gatewayStart - t0) / (t1 - t0) * width, within(0.3));
        // the critical path runs through the slow data-service, in the timeline and in the graph
        Set<String> critical = names("#timeline g.row.critical");
        assertThat(critical).hasSize(5).contains("config-center", "data-service", "gateway", "web-console")
                .doesNotContain("scheduler");
        assertThat(names("#dependency-graph g.node.critical")).isEqualTo(critical);

        chromium.screenshot(chromium.driver.findElement(By.cssSelector("section[aria-labelledby='graph-heading']")), "upgrade-graph");
        chromium.screenshot(chromium.driver.findElement(By.cssSelector("section[aria-labelledby='timeline-heading']")), "upgrade-timeline");
    }

    @Test
    @Order(4)
    void aDowntimeUpgradeShowsItsScaleDownAndScaleUpPhases() throws Exception {
        assertThat(post("/api/versions", "application/yaml", example("platform-5.2.0.01.yaml")).statusCode()).isEqualTo(201);
        var accepted = postJson("/api/upgrades", "{\"targetVersion\":\"5.2.0.01\",\"acceptRisk\":true}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        String id = body(accepted).path("id").asText();
        chromium.driver.get(uri("/console/detail.html?id=" + id).toString());
        chromium.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("facts"), "succeeded"));

        List<WebElement> rows = chromium.driver.findElements(By.cssSelector("#timeline g.row"));
        assertThat(rows).hasSize(7);
        double lastDown = 0;
        double firstUp = Double.MAX_VALUE;
        for (WebElement row : rows) {
            List<WebElement> bars = row.findElements(By.cssSelector("rect.bar"));
            assertThat(bars).extracting(b -> b.getAttribute("data-kind")).containsExactly("SCALE_DOWN", "SCALE_UP");
            lastDown = Math.max(lastDown, attribute(bars.get(0), "x") + attribute(bars.get(0), "width"));
            firstUp = Math.min(firstUp, attribute(bars.get(1), "x"));
        }
        // every service was down before the first came back up
        assertThat(firstUp).isGreaterThanOrEqualTo(lastDown - 0.2);
        chromium.screenshot(chromium.driver.findElement(By.cssSelector("section[aria-labelledby='timeline-heading']")),
                "upgrade-timeline-downtime");
    }

    private Set<String> edges(String container) {
        return chromium.driver.findElements(By.cssSelector(container + " path.edge")).stream()
                .map(e -> e.getAttribute("data-from") + " → " + e.getAttribute("data-to")).collect(Collectors.toSet());
    }

    private Map<String, String> layers(String container) {
        return chromium.driver.findElements(By.cssSelector(container + " g.node")).stream()
                .collect(Collectors.toMap(n -> n.getAttribute("data-name"), n -> n.getAttribute("data-layer")));
    }

    private Set<String> names(String selector) {
        return new HashSet<>(chromium.driver.findElements(By.cssSelector(selector)).stream()
                .map(e -> e.getAttribute("data-name")).toList());
    }

    private WebElement node(String container, String name) {
        return chromium.driver.findElement(By.cssSelector(container + " g.node[data-name='" + name + "']"));
    }

    private WebElement row(String name) {
        return chromium.driver.findElement(By.cssSelector("#timeline g.row[data-name='" + name + "']"));
    }

    private String classOf(String name) {
        return chromium.driver.findElements(By.cssSelector("#dependency-graph g.node[data-name='" + name + "']")).stream()
                .map(n -> n.getAttribute("class")).findFirst().orElse("");
    }

    private String fill(String name) {
        return (String) chromium.script("return getComputedStyle(document.querySelector("
                + "\"#dependency-graph g.node[data-name='\" + arguments[0] + \"'] rect\")).fill", name);
    }

    private static double attribute(WebElement element, String name) {
        return Double.parseDouble(element.getAttribute(name));
    }

    private static double millis(JsonNode instant) {
        return Instant.parse(instant.asText()).toEpochMilli();
    }
}
