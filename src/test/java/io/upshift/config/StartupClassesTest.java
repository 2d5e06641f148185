package io.upshift.config;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.Configuration;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.support.scan.DefaultPackageScanClassResolver;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 18: application.properties names the configuration classes and Java route builders instead
 * of letting camel-main scan the package at every start. This scan, over the compiled main classes
 * only (test classes are not part of the application), is what the list must agree with: a class
 * added without its line would silently not run.
 */
class StartupClassesTest {

    private final DefaultPackageScanClassResolver scan = new DefaultPackageScanClassResolver();

    @Test
    void everyConfigurationClassIsNamed() throws IOException {
        Set<String> found = application(scan.findAnnotated(Configuration.class, "io.upshift"));
        assertThat(found).isNotEmpty();
        assertThat(listed("camel.main.configuration-classes")).containsExactlyInAnyOrderElementsOf(found);
    }

    @Test
    void everyRouteBuilderIsNamed() throws IOException {
        Set<String> found = application(scan.findImplementations(RoutesBuilder.class, "io.upshift"));
        assertThat(found).isNotEmpty();
        assertThat(listed("camel.main.routes-builder-classes")).containsExactlyInAnyOrderElementsOf(found);
    }

    @Test
    void thePackageIsNotScannedAtStart() throws IOException {
        assertThat(properties().getProperty("camel.main.base-package-scan-enabled")).isEqualTo("false");
    }

    /** Concrete, public classes of the application (not of the tests). */
    private static Set<String> application(Set<Class<?>> classes) {
        return classes.stream()
                .filter(c -> !Modifier.isAbstract(c.getModifiers()) && Modifier.isPublic(c.getModifiers()))
                .filter(c -> !c.getProtectionDomain().getCodeSource().getLocation().getPath().contains("test-classes"))
                .map(Class::getName)
                .collect(Collectors.toSet());
    }

    private static Set<String> listed(String key) throws IOException {
        return Arrays.stream(properties().getProperty(key, "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    }

    private static Properties properties() throws IOException {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("application.properties"))) {
            properties.load(in);
        }
        return properties;
    }
}
