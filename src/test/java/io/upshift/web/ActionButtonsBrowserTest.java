package io.upshift.web;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upgrade detail page's action buttons in Chromium, one test per button: each confirmed in its
 * dialog, checked in the page and through the API. Upgrades wait 8 s in PENDING here, so the cancel
 * button can be used before anything changes; they are started through the API (the upgrade page
 * is ConsoleBrowserTest's).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ActionButtonsBrowserTest extends BrowserTestSupport {

    private static final List<String> BUTTONS = List.of("action-stop", "action-force-stop", "action-cancel",
            "action-resume", "action-mark", "action-rollback");

    private WebDriver browser;
    private WebDriverWait wait;
    private String succeeded;

    @Override
    protected Properties settings() {
        Properties p = new Properties();
        p.setProperty("upshift.upgrade.start-delay", "8s");
        return p;
    }

    @BeforeAll
    void useBrowser() {
        browser = chromium.driver;
        wait = chromium.wait;
    }

    @Test
    @Order(1)
    void cancelEndsAPendingUpgradeAfterConfirmation() throws Exception {
        post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml"));
        logOn(OPERATOR);
        String id = start();
        openDetail(id);
        click("action-cancel");
        byId("action-note").sendKeys("wrong day");
        confirm();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("facts"), "cancelled"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("action-list"), "cancel by test-operator"));
        assertThat(byId("action-list").getText()).contains("wrong day");
        assertThat(state(id)).isEqualTo("CANCELLED");
        assertThat(image("auth")).endsWith(":5.1.2.02");
        screenshot("upgrade-cancelled");
    }

    @Test
    @Order(2)
    void stopThenResumeFinishTheUpgrade() throws Exception {
        slow("data-service", "3s");
        String id = start();
        awaitService(id, "data-service", "RUNNING");
        openDetail(id);
        click("action-stop");
        // Back leaves the upgrade alone
        byId("dialog-close").click();
        assertThat(byId("action-dialog").isDisplayed()).isFalse();
        click("action-stop");
        confirm();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("facts"), "stopped"));
        assertThat(state(id)).isIn("STOPPING", "STOPPED");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("action-resume")));
        screenshot("upgrade-stopped-by-operator");

        click("action-resume");
        confirm();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("facts"), "succeeded"));
        wait.until(ExpectedConditions.attributeToBe(By.id("progress"), "aria-valuenow", "100"));
        assertThat(state(id)).isEqualTo("SUCCEEDED");
        assertThat(byId("action-list").getText()).contains("stop by test-operator", "resume by test-operator");
        succeeded = id;
    }

    @Test
    @Order(3)
    void rollbackOpensTheNewUpgradeThatPutsTheImagesBack() throws Exception {
        openDetail(succeeded);
        click("action-rollback");
        confirm();
        wait.until(ExpectedConditions.not(ExpectedConditions.urlContains("id=" + succeeded)));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("facts"), "Rollback of"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("facts"), "succeeded"));
        assertThat(image("web-console")).endsWith(":5.1.2.02");
        openDetail(succeeded);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("facts"), "Rolled back by"));
        assertThat(byId("action-rollback").isDisplayed()).isFalse();
    }

    @Test
    @Order(4)
    void forceStopThenMarkWithAVerdictAndANote() throws Exception {
        String id = start();
        awaitService(id, "data-service", "RUNNING");
        openDetail(id);
        click("action-force-stop");
        confirm();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("facts"), "force stopped"));
        assertThat(state(id)).isEqualTo("FORCE_STOPPED");

        click("action-mark");
        assertThat(byId("verdict-field").isDisplayed()).isTrue();
        // no verdict chosen: the dialog stays open
        byId("action-confirm").click();
        assertThat(byId("action-dialog").isDisplayed()).isTrue();
        new Select(byId("action-verdict")).selectByValue("succeeded");
        byId("action-note").sendKeys("checked every service by hand");
        confirm();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("facts"), "marked succeeded"));
        assertThat(state(id)).isEqualTo("MARKED_SUCCEEDED");
        assertThat(body(get("/api/platform")).path("currentVersion").asText()).isEqualTo("5.1.2.04");
        screenshot("upgrade-marked");
    }

    @Test
    @Order(5)
    void aViewerSeesNoActionButtons() {
        browser.get(uri("/console/index.html").toString());
        wait.until(ExpectedConditions.elementToBeClickable(By.id("logoff"))).click();
        wait.until(ExpectedConditions.urlContains("/console/login.html"));
        logOn(VIEWER);
        openDetail(succeeded);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("facts"), "Rolled back by"));
        for (String button : BUTTONS) {
            assertThat(byId(button).isDisplayed()).as(button).isFalse();
        }
    }

    private String start() throws Exception {
        var accepted = postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        return body(accepted).path("id").asText();
    }

    private String state(String id) throws Exception {
        return body(get("/api/upgrades/" + id)).path("state").asText();
    }

    private void slow(String deployment, String delay) {
        kubernetes().apps().deployments().inNamespace("platform").withName(deployment).edit(d -> {
            d.getMetadata().getAnnotations().put("upshift.io/readiness-delay", delay);
            return d;
        });
    }

    private void awaitService(String id, String service, String state) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (var s : body(get("/api/upgrades/" + id)).path("services")) {
                if (s.path("name").asText().equals(service)) {
                    return s.path("state").asText().equals(state);
                }
            }
            return false;
        });
    }

    private void openDetail(String id) {
        browser.get(uri("/console/detail.html?id=" + id).toString());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("facts"), id));
    }

    private void click(String button) {
        wait.until(ExpectedConditions.elementToBeClickable(By.id(button))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("action-dialog")));
    }

    private void confirm() {
        wait.until(ExpectedConditions.elementToBeClickable(By.id("action-confirm"))).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("action-dialog")));
    }

    private void logOn(String user) {
        if (!browser.getCurrentUrl().contains("/console/login.html")) {
            browser.get(uri("/console/login.html").toString());
        }
        byId("username").clear();
        byId("username").sendKeys(user);
        byId("password").clear();
        byId("password").sendKeys(PASSWORD);
        byId("logon-button").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Upgrade Record"));
    }

    private WebElement byId(String id) {
        return wait.until(ExpectedConditions.presenceOfElementLocated(By.id(id)));
    }

    private void screenshot(String name) throws IOException {
        chromium.screenshot(name);
    }
}
