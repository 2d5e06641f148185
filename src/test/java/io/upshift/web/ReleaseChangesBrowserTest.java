package io.upshift.web;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/** The Upgrade page shows what a release changes, service by service, before the disclaimer (Chromium). */
class ReleaseChangesBrowserTest extends BrowserTestSupport {

    @Test
    void theUpgradePageShowsWhatTheReleaseChangesBeforeTheDisclaimer() throws Exception {
        WebDriver browser = chromium.driver;
        WebDriverWait wait = chromium.wait;
        post("/api/versions", "application/yaml", example("platform-5.1.2.02.yaml"));
        String metadataSpec = String.join("\n",
                "    dependsOn: [config-center]",
                "    replicas: 3",
                "    env:",
                "      DB_POOL_SIZE: \"20\"",
                "      DB_PASSWORD: {valueFrom: {secretKeyRef: {name: metadata-db, key: password}}}",
                "    configMaps:",
                "      metadata-config: {features: lineage}",
                "  - name: scheduler");
        String release = new String(example("platform-5.1.2.04.yaml"))
                .replace("    dependsOn: [config-center]\n  - name: scheduler", metadataSpec);
        assertThat(release).contains("DB_POOL_SIZE");
        assertThat(post("/api/versions", "application/yaml", release.getBytes()).statusCode()).isIn(200, 201);

        browser.get(uri("/console/login.html").toString());
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username"))).sendKeys(OPERATOR);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.id("logon-button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Upgrade Record"));
        browser.get(uri("/console/upgrade.html").toString());
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#target option[value='5.1.2.04']")));
        new Select(browser.findElement(By.id("target"))).selectByValue("5.1.2.04");

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("changes-rows"), "metadata"));
        WebElement metadata = browser.findElements(By.cssSelector("#changes-rows tr")).stream()
                .filter(r -> r.getText().startsWith("metadata")).findFirst().orElseThrow();
        assertThat(metadata.getText()).contains("changed", "metadata:5.1.2.04", "env +DB_POOL_SIZE +DB_PASSWORD",
                "replicas (as deployed) → 3", "ConfigMap metadata-config: +features");
        assertThat(browser.findElements(By.cssSelector("#changes-rows tr"))).hasSize(7);
        Object before = ((JavascriptExecutor) browser).executeScript("return !!(document.getElementById('changes-card')"
                + ".compareDocumentPosition(document.getElementById('accept-risk')) & Node.DOCUMENT_POSITION_FOLLOWING)");
        assertThat(before).as("the changes come before the disclaimer").isEqualTo(true);
        chromium.screenshot("upgrade-release-changes");
    }
}
