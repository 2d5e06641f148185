package io.upshift.web;

import java.time.Duration;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.upshift.kubernetes.DeploymentRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Upgrade page's pre-check report in Chromium: the impact of the mode in words, a warning that
 * needs its own checkbox before Start is enabled, and a blocking failure that keeps Start disabled.
 */
class PrecheckBrowserTest extends BrowserTestSupport {

    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeAll
    void useBrowser() {
        browser = chromium.driver;
        wait = chromium.wait;
    }

    @Test
    void theReportShowsWarningsToAcceptAndBlocksOnAFailure() throws Exception {
        post("/api/versions", "application/yaml", example("platform-5.1.2.04.yaml"));
        kubernetes().apps().deployments().inNamespace("platform").withName("auth").edit(d -> {
            d.getSpec().getTemplate().getSpec().getContainers().forEach(c -> c.setReadinessProbe(null));
            return d;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> DeploymentRules.rolledOut(
                kubernetes().apps().deployments().inNamespace("platform").withName("auth").get()));
        logOn();
        browser.get(uri("/console/upgrade.html").toString());
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#target option[value='5.1.2.04']")));
        new Select(byId("target")).selectByValue("5.1.2.04");

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("prechecks-verdict"), "1 warning"));
        assertThat(byId("impact").getText()).startsWith("Impact: Services and their API calls stay available");
        WebElement firstRow = browser.findElement(By.cssSelector("#prechecks-rows tr"));
        assertThat(firstRow.getText()).contains("readiness-probe", "auth", "warn",
                "1 of 1 containers have no readiness probe (auth)");
        assertThat(browser.findElements(By.cssSelector("#prechecks-rows tr"))).hasSize(7 * 8 + 1);
        byId("accept-risk").click();
        assertThat(byId("start").isEnabled()).isFalse();
        byId("accept-warnings").click();
        assertThat(byId("start").isEnabled()).isTrue();
        chromium.screenshot("upgrade-prechecks-warning");

        kubernetes().resourceQuotas().inNamespace("platform").resource(new ResourceQuotaBuilder().withNewMetadata()
                .withName("platform-pods").withNamespace("platform").endMetadata().withNewSpec()
                .addToHard("pods", new Quantity("14")).endSpec().withNewStatus().addToUsed("pods", new Quantity("14"))
                .endStatus().build()).create();
        browser.findElement(By.cssSelector("input[name=mode][value=downtime]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("impact"), "Every service is stopped"));
        browser.findElement(By.cssSelector("input[name=mode][value=zero-downtime]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("prechecks-verdict"), "blocking checks failed"));
        assertThat(browser.findElement(By.cssSelector("#prechecks-rows tr")).getText())
                .contains("surge-capacity", "block", "fail", "used 14 + 1 × 1 > hard 14");
        assertThat(byId("start").isEnabled()).isFalse();
        chromium.screenshot("upgrade-prechecks-blocked");
        assertThat(body(get("/api/upgrades")).size()).isZero();
    }

    private void logOn() {
        browser.get(uri("/console/login.html").toString());
        byId("username").sendKeys(OPERATOR);
        byId("password").sendKeys(PASSWORD);
        byId("logon-button").click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Upgrade Record"));
    }

    private WebElement byId(String id) {
        return wait.until(ExpectedConditions.presenceOfElementLocated(By.id(id)));
    }
}
