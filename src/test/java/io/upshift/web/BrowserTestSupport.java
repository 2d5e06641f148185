package io.upshift.web;

import java.io.IOException;

import io.upshift.UpshiftTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The running application (see {@link UpshiftTestSupport}) and one headless Chromium per test class. */
abstract class BrowserTestSupport extends UpshiftTestSupport {

    protected Chromium chromium;

    @BeforeAll
    void openBrowser() throws IOException {
        assumeTrue(Chromium.installed(), "Chromium is not installed");
        chromium = new Chromium();
    }

    @AfterAll
    void closeBrowser() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
    }
}
