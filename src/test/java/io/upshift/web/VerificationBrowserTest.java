package io.upshift.web;

import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The detail page of an upgrade that failed its verification, in Chromium: the probe figures, the
 * failed check with its output, and the Resume verification button that runs the checks again.
 */
class VerificationBrowserTest extends BrowserTestSupport {

    @Override
    protected Properties settings() {
        Properties p = new Properties();
        p.setProperty("upshift.upgrade.rollback-on-failure", "false");
        p.setProperty("upshift.verify.retry-delay", "20ms");
        p.setProperty("upshift.probe.interval", "50ms");
        p.setProperty("upshift.probe.timeout", "3s");
        return p;
    }

    @Test
    void theDetailPageShowsProbeFiguresAndChecksAndResumesVerification() throws Exception {
        String yaml = new String(example("platform-5.1.2.04.yaml"))
                .replaceAll("(?m)^(    image: .*)$", "$1\n    probe: {path: /ping, port: 8080}")
                .replace("    container: console\n", "    container: console\n"
                        + "    verify:\n      httpGet: {path: /healthz, port: 8080, attempts: 1}\n");
        assertThat(post("/api/versions", "application/yaml", yaml.getBytes()).statusCode()).isEqualTo(201);
        kubernetes().apps().deployments().inNamespace("platform").withName("web-console").edit(d -> {
            d.getMetadata().getAnnotations().put("upshift.io/proxy-status", "/healthz=503");
            return d;
        });
        String id = body(postJson("/api/upgrades", "{\"targetVersion\":\"5.1.2.04\",\"acceptRisk\":true}")).path("id").asText();
        JsonNode failed = awaitUpgrade(id, "FAILED");
        assertThat(failed.path("availability")).hasSize(7);

        chromium.logOn(uri("/"), OPERATOR, PASSWORD);
        chromium.driver.get(uri("/console/detail.html?id=" + id).toString());
        chromium.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("verification-card")));
        List<WebElement> probes = chromium.driver.findElements(By.cssSelector("#availability-rows tr"));
        assertThat(probes).hasSize(7);
        JsonNode console = failed.path("availability").get(6);
        assertThat(probes.get(6).getText()).isEqualTo("web-console " + String.format("%,d", console.path("probes").asLong())
                + " " + console.path("failed").asLong() + " –");
        WebElement check = chromium.driver.findElement(By.cssSelector("#verification-rows tr"));
        assertThat(check.getText()).contains("web-console", "httpGet /healthz on port 8080", "fail", "answered 503");
        assertThat(check.getAttribute("class")).isEqualTo("check-fail");
        chromium.screenshot(chromium.byId("verification-card"), "upgrade-verification-failed");

        kubernetes().apps().deployments().inNamespace("platform").withName("web-console").edit(d -> {
            d.getMetadata().getAnnotations().remove("upshift.io/proxy-status");
            return d;
        });
        chromium.wait.until(ExpectedConditions.elementToBeClickable(By.id("action-resume-verification"))).click();
        chromium.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("action-dialog")));
        chromium.wait.until(ExpectedConditions.elementToBeClickable(By.id("action-confirm"))).click();
        chromium.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("verification-rows"), "pass"));
        assertThat(awaitUpgrade(id, "SUCCEEDED").path("verification").path("services").get(0).path("checks").get(0)
                .path("result").asText()).isEqualTo("pass");
        chromium.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("action-list"),
                "resume-verification by " + OPERATOR));
        assertThat(chromium.byId("action-resume-verification").isDisplayed()).isFalse();
    }
}
