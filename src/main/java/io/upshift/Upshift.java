package io.upshift;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.main.Main;

/**
 * Starts Upshift. From the repository root the top-level {@code application.properties} and
 * {@code routes/} are used (so operators edit them in place); anywhere else the copies packaged
 * in the jar. No package scan: application.properties names the configuration classes and route
 * builders ({@code camel.main.configuration-classes}), which saves a third of a start's CPU.
 */
public final class Upshift {

    private Upshift() {
    }

    public static void main(String[] args) throws Exception {
        Main main = new Main();
        boolean fromRepoRoot = Files.isRegularFile(Path.of("application.properties"))
                && Files.isDirectory(Path.of("routes"));
        String location = fromRepoRoot ? "file:" : "classpath:";
        main.setDefaultPropertyPlaceholderLocation(location + "application.properties");
        main.configure().withRoutesIncludePattern(location + "routes/*.camel.yaml");
        main.run(args);
    }
}
