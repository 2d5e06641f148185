package io.upshift.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in real headless Chromium against the running application and its sandbox cluster,
 * as the seed's users work: log on, upload configurations, start, watch, force stop. Screenshots go
 * to target/screenshots, or to the folder named by -Dupshift.screenshots (docs/screenshots).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest extends BrowserTestSupport {

    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeAll
    void useBrowser() {
        browser = chromium.driver;
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    @Test
    @Order(1)
    void logOnAndSeeTheUpgradeRecord() throws IOException {
        browser.get(uri("/console/").toString());
        wait.until(ExpectedConditions.urlContains("/console/login.html"));
        byId("username").sendKeys(OPERATOR);
        byId("password").sendKeys("wrong password");
        byId("logon-button").click();
        wait.until(ExpectedConditions.textToBe(By.id("logon-error"), "wrong user name or password"));
        screenshot("logon");

        logOn(OPERATOR);
        assertThat(byId("user").getText()).isEqualTo(OPERATOR + " (operator)");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("platform"), "Platform version 5.1.2.02"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("records"), "No upgrades yet."));
    }

    @Test
    @Order(2)
    void uploadingABadConfigShowsEveryReason() throws IOException {
        openUpgradePage();
        byId("config-file").sendKeys(Path.of("examples/invalid/many-problems.yaml").toAbsolutePath().toString());
        byId("upload").click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#upload-result li"), 5));
        WebElement result = byId("upload-result");
        assertThat(result.getText()).startsWith("Validation failed: invalid version configuration")
                .contains("services[1]: missing required field \"image\"")
                .contains("services[4].name: duplicate service \"auth\"");
        screenshot("upload-errors");
    }

    @Test
    @Order(3)
    void uploadingAGoodConfigImportsItAndShowsThePlan() throws IOException {
        openUpgradePage();
        upload(Path.of("examples/platform-5.1.2.04.yaml").toAbsolutePath());
        wait.until(ExpectedConditions.textToBe(By.id("upload-result"), "Version 5.1.2.04 imported (7 services)."));
        // the target list is read again after the upload: wait for it rather than race it
        wait.until(d -> "5.1.2.04".equals(new Select(byId("target")).getFirstSelectedOption().getAttribute("value")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("verdict"), "Zero-downtime upgrade"));
        assertThat(browser.findElements(By.cssSelector("#plan-rows tr"))).hasSize(7);
        assertThat(browser.findElement(By.cssSelector("#plan-rows tr")).getText())
                .contains("config-center").contains("config-center:5.1.2.02").contains("config-center:5.1.2.04");

        upload(Path.of("examples/platform-5.1.2.04.yaml").toAbsolutePath());
        wait.until(ExpectedConditions.textToBe(By.id("upload-result"), "Version 5.1.2.04 overwritten (7 services)."));
    }

    @Test
    @Order(4)
    void startsOnlyAfterTheDisclaimerAndFollowsTheUpgradeToTheEnd() throws Exception {
        openUpgradePage();
        new Select(byId("target")).selectByValue("5.1.2.04");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("verdict"), "Zero-downtime upgrade"));
        assertThat(byId("start").isEnabled()).isFalse();
        byId("accept-risk").click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("start")));
        screenshot("upgrade");
        byId("accept-risk").click();
        assertThat(byId("start").isEnabled()).isFalse();
        byId("accept-risk").click();
        byId("start").click();

        wait.until(ExpectedConditions.urlContains("/console/detail.html?id="));
        wait.until(ExpectedConditions.attributeToBe(By.id("progress"), "aria-valuenow", "100"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("facts"), "succeeded"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "web-console"));
        assertThat(byId("progress-text").getText()).isEqualTo("7 of 7 services at the target version (100%)");
        List<WebElement> services = browser.findElements(By.cssSelector("#services tr"));
        assertThat(services).hasSize(7);
        assertThat(services.get(0).getText()).contains("succeeded").contains("2 / 2");
        assertThat(byId("log").getText().lines().count()).isGreaterThan(7);
        // followed over the event stream (GET …/events), every stored line once, in order
        assertThat(byId("log").getAttribute("data-follow")).isEqualTo("events");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log-status"), "succeeded"));
        String id = browser.getCurrentUrl().substring(browser.getCurrentUrl().indexOf("id=") + 3);
        List<String> stored = get("/api/upgrades/" + id + "/logs").body().lines().toList();
        wait.until(d -> byId("log").getText().lines().count() >= stored.size()); // lines are added once a frame
        assertThat(byId("log").getText().lines().toList()).isEqualTo(stored);
        assertThat(byId("action-force-stop").isDisplayed()).isFalse();
        screenshot("upgrade-detail");

        browser.get(uri("/console/index.html").toString());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("records"), "5.1.2.02 → 5.1.2.04"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("platform"), "Platform version 5.1.2.04"));
        screenshot("upgrade-record");
    }

    @Test
    @Order(5)
    void forceStopsAStuckUpgradeAfterConfirmation() throws IOException {
        // 5.1.2.05 whose last service's image never becomes ready in the sandbox: the upgrade hangs there
        Path stuck = work.resolve("platform-5.1.2.05.yaml");
        Files.writeString(stuck, Files.readString(Path.of("examples/platform-5.1.2.04.yaml"))
                .replace("5.1.2.04", "5.1.2.05").replace("web-console:5.1.2.05", "web-console:broken-5.1.2.05"));
        openUpgradePage();
        upload(stuck);
        wait.until(ExpectedConditions.textToBe(By.id("upload-result"), "Version 5.1.2.05 imported (7 services)."));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("verdict"), "Zero-downtime upgrade"));
        byId("accept-risk").click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("start"))).click();

        wait.until(ExpectedConditions.urlContains("/console/detail.html?id="));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("progress-text"), "6 of 7"));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("action-force-stop"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("action-dialog")));
        byId("dialog-close").click();
        assertThat(byId("action-dialog").isDisplayed()).isFalse();
        byId("action-force-stop").click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("action-confirm"))).click();

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("facts"), "force stopped"));
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("action-force-stop")));
        assertThat(byId("progress-text").getText()).startsWith("6 of 7");
        screenshot("upgrade-stopped");
    }

    @Test
    @Order(6)
    void aViewerCannotStartAnUpgrade() throws IOException {
        browser.get(uri("/console/index.html").toString());
        wait.until(ExpectedConditions.elementToBeClickable(By.id("logoff"))).click();
        wait.until(ExpectedConditions.urlContains("/console/login.html"));
        logOn(VIEWER);
        openUpgradePage();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("role-message"), "only an operator"));
        assertThat(byId("upload").isEnabled()).isFalse();
        new Select(byId("target")).selectByValue(firstTarget());
        byId("accept-risk").click();
        assertThat(byId("start").isEnabled()).isFalse();
        screenshot("upgrade-viewer");
    }

    @Test
    @Order(7)
    void operatorCreatesSchedulesSeesRefusalsAndDeletesAfterConfirmation() throws Exception {
        switchTo(OPERATOR);
        openSchedulesPage();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("create-section")));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#target option[value='5.1.2.04']")));

        // one window, three days ahead at 02:00 in Shanghai
        LocalDate day = LocalDate.now(ZoneId.of("Asia/Shanghai")).plusDays(3);
        new Select(byId("target")).selectByValue("5.1.2.04");
        // Chromium's datetime-local input takes keys segment by segment in the browser's locale:
        // set its value as the picker would
        ((JavascriptExecutor) browser).executeScript("const at = document.getElementById('at');"
                + "at.value = arguments[0]; at.dispatchEvent(new Event('input', {bubbles: true}));"
                + "at.dispatchEvent(new Event('change', {bubbles: true}));", day + "T02:00");
        byId("time-zone").clear();
        byId("time-zone").sendKeys("Asia/Shanghai");
        byId("window-minutes").clear();
        byId("window-minutes").sendKeys("120");
        assertThat(byId("create").isEnabled()).as("Create schedule before the disclaimer").isFalse();
        byId("accept-risk").click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("create"))).click();

        String next = day + " 02:00 +08:00";
        wait.until(ExpectedConditions.textMatches(By.id("create-result"), Pattern.compile("Schedule sch-\\S+ created")));
        assertThat(byId("create-result").getText()).endsWith("next window " + next + ".");
        String once = createdId();
        WebElement onceRow = row(once);
        assertThat(onceRow.findElement(By.cssSelector("td.next")).getText()).isEqualTo(next);
        assertThat(onceRow.getText()).contains("5.1.2.04").contains("zero-downtime")
                .contains("once, " + next + " (Asia/Shanghai)").contains("120 min").contains("not opened yet");
        assertThat(byId("accept-risk").isSelected()).as("the disclaimer is accepted per schedule").isFalse();
        assertThat(byId("create").isEnabled()).isFalse();

        // a bad cron: refused with its reason, nothing created
        byId("kind-cron").click();
        assertThat(byId("at").isDisplayed()).isFalse();
        byId("cron").sendKeys("0 0 25 * * ?");
        byId("accept-risk").click();
        byId("create").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("create-result"),
                "The schedule was not created: invalid schedule"));
        assertThat(byId("create-result").findElement(By.tagName("li")).getText()).startsWith("cron: \"0 0 25 * * ?\" is not a Quartz cron expression");
        assertThat(browser.findElements(By.cssSelector("#schedules tr"))).hasSize(1);

        // recurring windows, every Sunday at 02:00
        byId("cron").clear();
        byId("cron").sendKeys("0 0 2 ? * SUN");
        new Select(byId("target")).selectByValue("5.1.2.05");
        byId("create").click();
        wait.until(ExpectedConditions.textMatches(By.id("create-result"), Pattern.compile("Schedule sch-\\S+ created")));
        String weekly = createdId();
        assertThat(row(weekly).getText()).contains("every 0 0 2 ? * SUN (Asia/Shanghai)").contains("5.1.2.05");
        assertThat(row(weekly).findElement(By.cssSelector("td.next")).getText()).matches("\\d{4}-\\d\\d-\\d\\d 02:00 \\+08:00");
        screenshot("schedules", true);

        // delete: cancel keeps it, confirm removes it
        row(weekly).findElement(By.cssSelector("button.delete")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("delete-dialog")));
        assertThat(byId("delete-title").getText()).isEqualTo("Delete schedule " + weekly + "?");
        byId("delete-cancel").click();
        assertThat(byId("delete-dialog").isDisplayed()).isFalse();
        assertThat(row(weekly).isDisplayed()).isTrue();
        row(weekly).findElement(By.cssSelector("button.delete")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("delete-confirm"))).click();
        wait.until(ExpectedConditions.textToBe(By.id("list-message"), "Schedule " + weekly + " deleted."));
        assertThat(browser.findElements(By.cssSelector("#schedules tr[data-id='" + weekly + "']"))).isEmpty();
        assertThat(get("/api/schedules/" + weekly).statusCode()).isEqualTo(404);
        assertThat(row(once).isDisplayed()).isTrue();
    }

    @Test
    @Order(8)
    void operatorsReadTheAuditTrailAPageAtATimeFilteredByAction() throws IOException {
        browser.get(uri("/console/index.html").toString());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("a[href='/console/audit.html']"))).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("rows"), "upgrade.request"));
        assertThat(byId("rows").getText()).contains("version.import").contains("version.overwrite").contains(OPERATOR);
        assertThat(byId("page-info").getText()).isEqualTo("Page 1");
        assertThat(byId("newer").isEnabled()).isFalse();
        new Select(byId("action")).selectByVisibleText("version.overwrite");
        byId("apply").click();
        wait.until(d -> !byId("rows").getText().contains("upgrade.request"));
        assertThat(byId("rows").getText()).contains("version.overwrite").contains("5.1.2.04").doesNotContain("version.import");
        screenshot("audit");
    }

    @Test
    @Order(9)
    void aViewerSeesSchedulesButCannotCreateOrDelete() {
        switchTo(VIEWER);
        openSchedulesPage();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("role-message"), "only an operator"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("schedules"), "5.1.2.04"));
        assertThat(byId("create-section").isDisplayed()).isFalse();
        assertThat(browser.findElements(By.cssSelector("#schedules button"))).isEmpty();
    }

    @Test
    @Order(10)
    void aViewerHasNoAuditPage() {
        switchTo(VIEWER);
        assertThat(browser.findElement(By.cssSelector("a[href='/console/audit.html']")).isDisplayed()).isFalse();
        browser.get(uri("/console/audit.html").toString());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audit-message"), "operators"));
        assertThat(browser.findElements(By.cssSelector("#rows tr"))).isEmpty();
    }

    private void openSchedulesPage() {
        browser.get(uri("/console/schedules.html").toString());
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("user")));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#schedules tr")));
    }

    private String createdId() {
        Matcher m = Pattern.compile("Schedule (sch-\\S+) created").matcher(byId("create-result").getText());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private WebElement row(String scheduleId) {
        return wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#schedules tr[data-id='" + scheduleId + "']")));
    }

    private void switchTo(String user) {
        browser.get(uri("/console/index.html").toString());
        wait.until(ExpectedConditions.elementToBeClickable(By.id("logoff"))).click();
        wait.until(ExpectedConditions.urlContains("/console/login.html"));
        logOn(user);
    }

    private String firstTarget() {
        return new Select(byId("target")).getOptions().get(1).getAttribute("value");
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
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("user")));
    }

    private void openUpgradePage() {
        browser.get(uri("/console/upgrade.html").toString());
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("user")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("platform"), "The platform runs version"));
    }

    private void upload(Path file) {
        WebElement input = byId("config-file");
        input.clear();
        input.sendKeys(file.toString());
        byId("upload").click();
    }

    private WebElement byId(String id) {
        return wait.until(ExpectedConditions.presenceOfElementLocated(By.id(id)));
    }

    private void screenshot(String name) throws IOException {
        screenshot(name, false);
    }

    /** A whole page, not only the window's height (the window is resized for it, then back). */
    private void screenshot(String name, boolean wholePage) throws IOException {
        Dimension window = browser.manage().window().getSize();
        if (wholePage) {
            long height = (Long) ((JavascriptExecutor) browser).executeScript("return document.documentElement.scrollHeight");
            browser.manage().window().setSize(new Dimension(window.getWidth(), (int) Math.max(window.getHeight(), height + 140)));
        }
        chromium.screenshot(name);
        if (wholePage) {
            browser.manage().window().setSize(window);
        }
    }
}
