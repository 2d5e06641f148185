package io.upshift.web;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium (the Debian package) driven by chromedriver, with a fresh profile, logged on to
 * a running Upshift. Screenshots go to target/screenshots, or to the folder named by
 * -Dupshift.screenshots (docs/screenshots).
 */
final class Chromium implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    final ChromeDriver driver;
    final WebDriverWait wait;
    private final Path profile;

    static boolean installed() {
        return Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
    }

    Chromium() throws IOException {
        profile = Files.createTempDirectory("upshift-chromium");
        ChromeOptions options = new ChromeOptions().setBinary(BINARY.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile, "--window-size=1366,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1366, 900));
        wait = new WebDriverWait(driver, Duration.ofSeconds(60));
    }

    /** Logs on through the logon page and waits for the Upgrade Record. */
    void logOn(URI base, String user, String password) {
        driver.get(base.resolve("/console/login.html").toString());
        byId("username").sendKeys(user);
        byId("password").sendKeys(password);
        byId("logon-button").click();
        // #user exists only once logged on: never read the logon page while it navigates away
        byId("user");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("h1"), "Upgrade Record"));
    }

    WebElement byId(String id) {
        return wait.until(ExpectedConditions.presenceOfElementLocated(By.id(id)));
    }

    Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    /** A screenshot of the whole window. */
    void screenshot(String name) throws IOException {
        Path folder = Path.of(System.getProperty("upshift.screenshots", "target/screenshots"));
        Files.createDirectories(folder);
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), folder.resolve(name + ".png"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** A screenshot of one element (scrolled into view), e.g. a card of the page. */
    void screenshot(WebElement element, String name) throws IOException {
        script("arguments[0].scrollIntoView({block: 'start'})", element);
        Path folder = Path.of(System.getProperty("upshift.screenshots", "target/screenshots"));
        Files.createDirectories(folder);
        Files.copy(element.getScreenshotAs(OutputType.FILE).toPath(), folder.resolve(name + ".png"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
