package io.upshift.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.upshift.RejectedException;
import io.upshift.config.JsonConfiguration;
import io.upshift.intake.DocumentReader;
import io.upshift.intake.SchemaProblems;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VersionConfigReaderTest {

    private static final String IMAGE = "registry.upshift.local/dataphin/%s:5.1.2.05";

    private final JsonConfiguration mappers = new JsonConfiguration();
    private final ObjectMapper json = mappers.jsonMapper();
    private final DocumentReader<VersionConfig> parser = new DocumentReader<>(VersionConfig.DOCUMENT, json, mappers.yamlMapper(), 64 * 1024);

    // --- valid input ---

    @ParameterizedTest
    @ValueSource(strings = {"5.1.2.02", "5.1.2.04", "5.2.0.01"})
    void parsesTheExamples(String version) throws IOException {
        VersionConfig config = parser.read(Files.readAllBytes(Path.of("examples/platform-" + version + ".yaml")), null);

        assertThat(config.version()).isEqualTo(version);
        assertThat(config.services()).hasSize(7);
        assertThat(config.service("web-console").orElseThrow().container()).isEqualTo("console");
        assertThat(config.service("gateway").orElseThrow().dependsOn()).containsExactly("auth", "data-service");
        assertThat(config.releaseNotes()).isNotBlank();
        assertThat(config.allowsZeroDowntime()).isTrue();
    }

    @Test
    void ordersExample51204ConfigCenterFirstAndWebConsoleLast() throws IOException {
        VersionConfig config = parser.read(Files.readAllBytes(Path.of("examples/platform-5.1.2.04.yaml")), "yaml");

        assertThat(DependencyGraph.of(config).order()).containsExactly(
                "config-center", "auth", "metadata", "scheduler", "data-service", "gateway", "web-console");
    }

    @Test
    void dropsALeadingV() {
        assertThat(parse("version: V5.1.2.05\n" + services("auth")).version()).isEqualTo("5.1.2.05");
        assertThat(parse("version: v5.1.2.05\n" + services("auth")).version()).isEqualTo("5.1.2.05");
    }

    @Test
    void readsAllFieldsAndIgnoresKind() {
        VersionConfig config = parse("""
                kind: VersionConfig
                version: "5.2.0.01"
                zeroDowntime: false
                releaseNotes: needs downtime
                services:
                  - name: metadata
                    image: registry.upshift.local/dataphin/metadata@sha256:%s
                    deployment: metadata-v2.blue
                    namespace: data
                    container: app
                    dependsOn: []
                """.formatted("a".repeat(64)));

        assertThat(config.allowsZeroDowntime()).isFalse();
        assertThat(config.releaseNotes()).isEqualTo("needs downtime");
        assertThat(config.services()).containsExactly(new ServiceSpec("metadata",
                "registry.upshift.local/dataphin/metadata@sha256:" + "a".repeat(64), List.of(), "metadata-v2.blue", "data",
                "app"));
    }

    @Test
    void jsonAndYamlGiveTheSameConfig() {
        String jsonText = """
                {"version": "V5.1.2.05", "services": [
                  {"name": "config-center", "image": "registry.upshift.local/dataphin/config-center:5.1.2.05"},
                  {"name": "auth", "image": "registry.upshift.local/dataphin/auth:5.1.2.05", "dependsOn": ["config-center"]}]}
                """;
        String yamlText = """
                version: V5.1.2.05
                services:
                  - name: config-center
                    image: registry.upshift.local/dataphin/config-center:5.1.2.05
                  - name: auth
                    image: registry.upshift.local/dataphin/auth:5.1.2.05
                    dependsOn: [config-center]
                """;

        VersionConfig fromJson = parser.read(bytes(jsonText), "json");
        assertThat(parser.read(bytes(jsonText), null)).isEqualTo(fromJson);
        assertThat(parser.read(bytes(yamlText), "yaml")).isEqualTo(fromJson);
        assertThat(parser.read(bytes(yamlText), null)).isEqualTo(fromJson);
    }

    @ParameterizedTest
    @ValueSource(strings = {"nginx:1.25", "library/nginx:latest", "localhost:5000/team/app:1.0.0-rc.1",
            "registry.example.com:443/a/b_c/d-e:v1", "nginx:1.25@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})
    void acceptsImageReferences(String image) {
        assertThat(parse("version: 5.1.2.05\nservices:\n  - name: a\n    image: \"" + image + "\"\n").services().get(0).image())
                .isEqualTo(image);
    }

    // --- size and syntax: 413 and 400 ---

    @Test
    void rejectsTooLargeBeforeParsing() {
        DocumentReader<VersionConfig> small = new DocumentReader<>(VersionConfig.DOCUMENT, json, mappers.yamlMapper(), 10);

        assertThatThrownBy(() -> small.read(bytes("not even yaml: : :"), null))
                .isInstanceOfSatisfying(RejectedException.class, e -> {
                    assertThat(e.status()).isEqualTo(413);
                    assertThat(e.reasons()).containsExactly(
                            "the document has 18 bytes; the limit is 10 (upshift.intake.max-bytes)");
                });
    }

    @Test
    void reportsMalformedYamlWithLineAndColumn() throws IOException {
        assertThat(rejected(Files.readAllBytes(Path.of("examples/invalid/malformed.yaml")), null, 400))
                .containsExactly("line 3, column 15: mapping values are not allowed here");
    }

    @Test
    void reportsMalformedJsonWithLineAndColumn() {
        assertThat(rejected(bytes("{\n  \"version\": \"5.1.2.05\",\n  \"services\": [}\n"), null, 400))
                .singleElement().asString().startsWith("line 3, column 16: Unexpected close marker '}'");
    }

    @Test
    void rejectsAnEmptyDocument() {
        assertThat(rejected(bytes(""), null, 400)).containsExactly("the document is empty");
        assertThat(rejected(bytes("  \n# only a comment\n"), "yaml", 400)).containsExactly("the document is empty");
        assertThat(rejected(bytes("   "), "json", 400)).containsExactly("the document is empty");
    }

    @Test
    void rejectsATopLevelThatIsNotAnObject() {
        assertThat(rejected(bytes("- name: auth\n"), null, 400))
                .containsExactly("the document must be a mapping of fields (version, services, …), got an array");
        assertThat(rejected(bytes("5.1.2.04"), null, 400))
                .containsExactly("the document must be a mapping of fields (version, services, …), got a string");
    }

    @Test
    void rejectsSeveralYamlDocuments() throws IOException {
        assertThat(rejected(Files.readAllBytes(Path.of("examples/invalid/multi-document.yaml")), null, 400))
                .singleElement().asString().isEqualTo("line 6, column 1: a second YAML document ('---'); a version configuration is one document");
    }

    @Test
    void rejectsContentAfterTheJsonObject() {
        assertThat(rejected(bytes("{\"version\": \"5.1.2.05\"} {}"), null, 400))
                .containsExactly("line 1, column 25: unexpected content after the end of the JSON object");
    }

    @Test
    void rejectsDuplicateKeys() {
        assertThat(rejected(bytes("version: 5.1.2.05\nversion: 5.1.2.06\n" + services("auth")), null, 400))
                .singleElement().asString().startsWith("line 2, column ").contains("Duplicate field 'version'");
    }

    @Test
    void refusesAnUnknownFormat() {
        assertThatThrownBy(() -> parser.read(bytes("{}"), "xml")).isInstanceOf(IllegalArgumentException.class);
    }

    // --- schema: 422 ---

    @Test
    void reportsAMissingRequiredField() {
        assertThat(invalid("version: 5.1.2.05\nservices:\n  - name: auth\n"))
                .containsExactly("services[0]: missing required field \"image\"");
        assertThat(invalid("services:\n  - name: auth\n    image: nginx:1\n"))
                .containsExactly("top level: missing required field \"version\"");
    }

    @Test
    void reportsABadVersion() {
        assertThat(invalid("version: 5.1.2\n" + services("auth")))
                .containsExactly("version: \"5.1.2\" is not a version of four numeric segments such as 5.1.2.04");
        assertThat(invalid("version: 5.1\n" + services("auth")))
                .containsExactly("version: must be a string such as \"5.1.2.04\", got a number");
    }

    @Test
    void reportsABadImage() {
        assertThat(invalid("version: 5.1.2.05\nservices:\n  - name: web\n    image: \"nginx:::\"\n"))
                .containsExactly("services[0].image: \"nginx:::\" is not a valid image reference (name:tag or name@sha256:digest)");
        assertThat(invalid("version: 5.1.2.05\nservices:\n  - name: web\n    image: nginx\n"))
                .containsExactly("services[0].image: \"nginx\" is not a valid image reference (name:tag or name@sha256:digest)");
    }

    @Test
    void reportsBadKubernetesNamesOncePerField() {
        String tooLong = "a".repeat(64);
        assertThat(invalid("""
                version: 5.1.2.05
                services:
                  - name: Auth_Service
                    image: nginx:1
                    namespace: %s
                    deployment: -auth
                    container: app.main
                """.formatted(tooLong))).containsExactly(
                "services[0].name: \"Auth_Service\" " + SchemaProblems.LABEL_RULE,
                "services[0].namespace: \"" + tooLong + "\" " + SchemaProblems.LABEL_RULE,
                "services[0].deployment: \"-auth\" " + SchemaProblems.SUBDOMAIN_RULE,
                "services[0].container: \"app.main\" " + SchemaProblems.LABEL_RULE);
    }

    @Test
    void reportsWrongTypes() {
        assertThat(invalid("""
                version: 5.1.2.05
                zeroDowntime: "no"
                services:
                  - name: auth
                    image: nginx:1
                  - name: web
                    image: nginx:1
                    dependsOn: [auth, 3]
                  - just-a-string
                  - name: ui
                    image: nginx:1
                    dependsOn: auth
                """)).containsExactly(
                "zeroDowntime: must be true or false, got a string",
                "services[1].dependsOn[1]: must be a service name (a string), got a number",
                "services[2]: must be a service (an object with name and image), got a string",
                "services[3].dependsOn: must be an array of service names, got a string");
        assertThat(invalid("version: 5.1.2.05\nservices: auth\n")).containsExactly(
                "services: must be an array of services, got a string");
    }

    @Test
    void reportsNoServices() {
        assertThat(invalid("version: 5.1.2.05\nservices: []\n")).containsExactly("services: must list at least one service");
    }

    @Test
    void reportsUnknownFieldsWithASuggestion() {
        assertThat(invalid("""
                version: 5.1.2.05
                relaseNotes: typo
                services:
                  - name: auth
                    image: nginx:1
                    dependOn: []
                    replica: 3
                    zzz: 1
                """)).containsExactly(
                "top level: unknown field \"relaseNotes\" (did you mean \"releaseNotes\"?)",
                "services[0]: unknown field \"dependOn\" (did you mean \"dependsOn\"?)",
                "services[0]: unknown field \"replica\" (did you mean \"replicas\"?)",
                "services[0]: unknown field \"zzz\"; allowed: name, image, dependsOn, deployment, namespace, container,"
                        + " kind, replicas, args, env, resources, configMaps, template, volumeClaimTemplates, jobs, verify, probe");
    }

    @Test
    void reportsAWrongKindAndRepeatedDependencies() {
        assertThat(invalid("""
                kind: Deployment
                version: 5.1.2.05
                services:
                  - name: auth
                    image: nginx:1
                  - name: web
                    image: nginx:1
                    dependsOn: [auth, auth]
                """)).containsExactly(
                "kind: must be \"VersionConfig\", got \"Deployment\"",
                "services[1].dependsOn: lists \"auth\" more than once");
    }

    // --- semantic rules: 422 ---

    @Test
    void reportsDuplicateServices() {
        assertThat(invalid("version: 5.1.2.05\n" + services("config-center", "auth", "metadata", "gateway", "auth")))
                .containsExactly("services[4].name: duplicate service \"auth\" (also services[1])");
    }

    @Test
    void reportsUnknownDependencies() throws IOException {
        assertThat(rejected(Files.readAllBytes(Path.of("examples/invalid/unknown-dependency.yaml")), null, 422))
                .containsExactly("services[2].dependsOn[0]: unknown service \"metdata\" (did you mean \"metadata\"?)");
    }

    @Test
    void reportsSelfDependency() {
        assertThat(invalid("""
                version: 5.1.2.05
                services:
                  - name: auth
                    image: nginx:1
                    dependsOn: [auth]
                """)).containsExactly("services[0].dependsOn[0]: \"auth\" depends on itself");
    }

    @Test
    void reportsCyclesNamingTheirMembers() throws IOException {
        assertThat(rejected(Files.readAllBytes(Path.of("examples/invalid/cycle.yaml")), null, 422))
                .containsExactly("services[1].dependsOn: dependency cycle: auth -> metadata -> scheduler -> auth");
    }

    @Test
    void reportsEachCycleOnce() {
        assertThat(invalid("""
                version: 5.1.2.05
                services:
                  - {name: a, image: "nginx:1", dependsOn: [b]}
                  - {name: b, image: "nginx:1", dependsOn: [a]}
                  - {name: c, image: "nginx:1", dependsOn: [d, a]}
                  - {name: d, image: "nginx:1", dependsOn: [c]}
                """)).containsExactly(
                "services[0].dependsOn: dependency cycle: a -> b -> a",
                "services[2].dependsOn: dependency cycle: c -> d -> c");
    }

    @Test
    void reportsTwoServicesUpgradingTheSameDeployment() {
        assertThat(invalid("""
                version: 5.1.2.05
                services:
                  - {name: auth, image: "nginx:1"}
                  - {name: auth-v2, image: "nginx:1", deployment: auth}
                  - {name: batch, image: "nginx:1", namespace: jobs}
                  - {name: batch-b, image: "nginx:1", namespace: jobs, deployment: batch}
                  - {name: batch-c, image: "nginx:1", namespace: other, deployment: batch}
                """)).containsExactly(
                "services[1].deployment: Deployment \"auth\" in the platform namespace is already upgraded by services[0] (\"auth\")",
                "services[3].deployment: Deployment \"batch\" in namespace \"jobs\" is already upgraded by services[2] (\"batch\")");
    }

    @Test
    void doesNotCascadeFromOneTypo() {
        // the malformed name is reported once: not again as a duplicate, an unknown dependency or a deployment clash
        assertThat(invalid("""
                version: 5.1.2.05
                services:
                  - {name: Auth, image: "nginx:1"}
                  - {name: Auth, image: "nginx:1"}
                  - {name: web, image: "nginx:1", dependsOn: [Auth]}
                """)).containsExactly(
                "services[0].name: \"Auth\" " + SchemaProblems.LABEL_RULE,
                "services[1].name: \"Auth\" " + SchemaProblems.LABEL_RULE);
    }

    @Test
    void reportsAllProblemsAtOnceInDocumentOrder() throws IOException {
        assertThat(rejected(Files.readAllBytes(Path.of("examples/invalid/many-problems.yaml")), null, 422)).containsExactly(
                "version: \"5.1.2\" is not a version of four numeric segments such as 5.1.2.04",
                "services[0].image: \"nginx:::\" is not a valid image reference (name:tag or name@sha256:digest)",
                "services[1]: missing required field \"image\"",
                "services[2].dependsOn: must be an array of service names, got a string",
                "services[4].name: duplicate service \"auth\" (also services[1])");
    }

    @Test
    void ordersProblemsByLocationNotByKind() {
        StringBuilder yaml = new StringBuilder("version: 5.1.2.05\nservices:\n");
        for (int i = 0; i < 12; i++) {
            yaml.append("  - {name: s").append(i).append(", image: \"nginx:1\"").append(i % 5 == 0 ? ", dependsOn: [x]" : "")
                    .append(i == 11 ? ", name2: y" : "").append("}\n");
        }
        assertThat(invalid(yaml.toString())).containsExactly(
                "services[0].dependsOn[0]: unknown service \"x\"",
                "services[5].dependsOn[0]: unknown service \"x\"",
                "services[10].dependsOn[0]: unknown service \"x\"",
                "services[11]: unknown field \"name2\" (did you mean \"name\"?)");
    }

    @Test
    void theSameProblemsInJson() {
        assertThat(rejected(bytes("""
                {"version": "5.1.2", "services": [
                  {"name": "config-center", "image": "nginx:::"},
                  {"name": "auth", "dependsOn": ["config-centre"]}]}
                """), null, 422)).containsExactly(
                "version: \"5.1.2\" is not a version of four numeric segments such as 5.1.2.04",
                "services[0].image: \"nginx:::\" is not a valid image reference (name:tag or name@sha256:digest)",
                "services[1]: missing required field \"image\"",
                "services[1].dependsOn[0]: unknown service \"config-centre\" (did you mean \"config-center\"?)");
    }

    @Test
    void theExceptionCarriesStatusAndError() {
        assertThatThrownBy(() -> parse("version: 5.1.2\n" + services("auth")))
                .isInstanceOfSatisfying(RejectedException.class, e -> {
                    assertThat(e.status()).isEqualTo(422);
                    assertThat(e.error()).isEqualTo("invalid version configuration");
                });
    }

    // --- helpers ---

    // --- verify and probe ---

    @Test
    void readsVerifyChecksAndAProbe() {
        VersionConfig config = parse("""
                version: "5.1.2.05"
                services:
                  - name: auth
                    image: registry.upshift.local/dataphin/auth:5.1.2.05
                    verify:
                      httpGet: {path: /healthz, port: 8080, expectStatus: 204, timeout: 5s, attempts: 2}
                      job: {image: registry.upshift.local/smoke:1, command: [/bin/smoke, --auth], timeout: 2m}
                    probe: {path: /ping, port: 8080}
                  - name: gateway
                    image: registry.upshift.local/dataphin/gateway:5.1.2.05
                    verify:
                      httpGet: {path: /ready, port: 9090}
                """);

        ServiceSpec auth = config.service("auth").orElseThrow();
        assertThat(auth.verify().httpGet()).isEqualTo(new VerifySpec.HttpGet("/healthz", 8080, 204, "5s", 2));
        assertThat(auth.verify().job().command()).containsExactly("/bin/smoke", "--auth");
        assertThat(auth.verify().job().timeoutOr(java.time.Duration.ZERO)).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(auth.probe()).isEqualTo(new ProbeSpec("/ping", 8080));
        VerifySpec.HttpGet defaults = config.service("gateway").orElseThrow().verify().httpGet();
        assertThat(defaults.expectedStatus()).isEqualTo(200);
        assertThat(defaults.maxAttempts()).isEqualTo(3);
        assertThat(config.service("gateway").orElseThrow().probe()).isNull();
    }

    @Test
    void reportsEveryBadCheckField() {
        List<String> reasons = invalid("""
                version: "5.1.2.05"
                services:
                  - name: auth
                    image: registry.upshift.local/dataphin/auth:5.1.2.05
                    verify:
                      httpGet: {path: healthz, port: 70000, expectStatus: 42, timeout: soon, attemps: 2}
                      job: {command: [/bin/smoke]}
                    probe: {path: /ping, port: "http"}
                  - name: gateway
                    image: registry.upshift.local/dataphin/gateway:5.1.2.05
                    verify: {}
                """);

        assertThat(reasons).contains(
                "services[0].verify.httpGet: unknown field \"attemps\" (did you mean \"attempts\"?)",
                "services[0].verify.httpGet.path: \"healthz\" is not an absolute URL path such as /healthz",
                "services[0].verify.httpGet.port: 70000 is not a port (1-65535)",
                "services[0].verify.httpGet.expectStatus: 42 is not an HTTP status (100-599)",
                "services[0].verify.httpGet.timeout: \"soon\" is not a duration such as 500ms, 5s, 2m or 1h",
                "services[0].verify.job: missing required field \"image\"",
                "services[0].probe.port: must be a port number (1-65535), got a string",
                "services[1].verify: must name at least one check (httpGet, job)");
    }

    private VersionConfig parse(String yaml) {
        return parser.read(bytes(yaml), null);
    }

    private List<String> invalid(String yaml) {
        return rejected(bytes(yaml), "yaml", 422);
    }

    private List<String> rejected(byte[] content, String format, int status) {
        try {
            parser.read(content, format);
        } catch (RejectedException e) {
            assertThat(e.status()).as("status for %s", e.reasons()).isEqualTo(status);
            return e.reasons();
        }
        throw new AssertionError("accepted: " + new String(content, StandardCharsets.UTF_8));
    }

    private static String services(String... names) {
        StringBuilder sb = new StringBuilder("services:\n");
        for (String n : names) {
            sb.append("  - name: ").append(n).append("\n    image: ").append(IMAGE.formatted(n)).append('\n');
        }
        return sb.toString();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
