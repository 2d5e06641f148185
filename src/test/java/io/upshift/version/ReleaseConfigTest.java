package io.upshift.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.upshift.RejectedException;
import io.upshift.config.JsonConfiguration;
import io.upshift.intake.DocumentReader;
import io.upshift.intake.SchemaProblems;
import org.junit.jupiter.api.Test;

/** The release fields of a version config (issue 13): bound, stored and read back, and every bad input refused. */
class ReleaseConfigTest {

    private final JsonConfiguration mappers = new JsonConfiguration();
    private final ObjectMapper json = mappers.jsonMapper();

    private DocumentReader<VersionConfig> reader(VersionConfig running) {
        return new DocumentReader<>(VersionConfig.document(() -> Optional.ofNullable(running)), json,
                mappers.yamlMapper(), 64 * 1024);
    }

    private VersionConfig example(String file, VersionConfig running) throws IOException {
        return reader(running).read(Files.readAllBytes(Path.of("examples", file)), null);
    }

    private List<String> rejected(String yaml, VersionConfig running) {
        RejectedException e = catchThrowableOfType(RejectedException.class, () -> reader(running).read(yaml.getBytes(), "yaml"));
        assertThat(e).as("refused").isNotNull();
        assertThat(e.status()).isEqualTo(422);
        return e.reasons();
    }

    @Test
    void bindsEveryReleaseFieldOfTheExample() throws IOException {
        VersionConfig running = example("platform-5.1.2.02.yaml", null);
        VersionConfig release = example("platform-5.1.2.05.yaml", running);

        assertThat(release.prunes()).isTrue();
        assertThat(release.jobsBefore()).extracting(JobSpec::name).containsExactly("migrate-metadata-schema");
        assertThat(release.jobsBefore().get(0).env().get("DB_PASSWORD").secretKeyRef())
                .isEqualTo(new EnvValue.KeyRef("metadata-db", "password"));
        assertThat(release.jobsAfter()).extracting(JobSpec::timeoutSeconds).containsExactly(300);
        ServiceSpec metadata = release.service("metadata").orElseThrow();
        assertThat(metadata.workloadKind()).isEqualTo(WorkloadKind.DEPLOYMENT);
        assertThat(metadata.replicas()).isEqualTo(3);
        assertThat(metadata.env()).containsExactly(
                Map.entry("DB_POOL_SIZE", EnvValue.literal("20")),
                Map.entry("DB_PASSWORD", new EnvValue(null, null, new EnvValue.KeyRef("metadata-db", "password"))),
                Map.entry("FEATURE_FLAGS", new EnvValue(null, new EnvValue.KeyRef("metadata-config", "features"), null)));
        assertThat(metadata.resources()).isEqualTo(new Resources(Map.of("cpu", "500m", "memory", "1Gi"),
                Map.of("cpu", "2", "memory", "2Gi")));
        assertThat(metadata.configMaps().get("metadata-config")).containsOnlyKeys("features", "application.properties");
        ServiceSpec lineage = release.service("lineage").orElseThrow();
        assertThat(lineage.template().ports()).containsExactly(new ServiceTemplate.Port("http", 8080, 80, null));
        assertThat(lineage.template().readinessProbe()).isEqualTo(new ServiceTemplate.Probe("/ready", 8080, null, 5));
        assertThat(lineage.jobsBefore()).extracting(JobSpec::name).containsExactly("create-lineage-tables");
        assertThat(release.service("scheduler")).isEmpty();
    }

    @Test
    void storesAndReadsBackTheSameConfig() throws IOException {
        VersionConfig release = example("platform-5.1.2.05.yaml", null);

        String stored = json.writeValueAsString(release);

        assertThat(json.readValue(stored, VersionConfig.class)).isEqualTo(release);
        assertThat(json.readTree(stored).at("/services/2/env/DB_PASSWORD/valueFrom/secretKeyRef/name").asText())
                .isEqualTo("metadata-db");
        assertThat(json.readTree(stored).at("/services/2/env/DB_POOL_SIZE").asText()).isEqualTo("20");
        assertThat(json.readTree(stored).has("kind")).isFalse();
    }

    @Test
    void refusesEveryProblemOfTheInvalidReleaseWithItsPath() throws IOException {
        VersionConfig running = example("platform-5.1.2.02.yaml", null);

        assertThat(rejected(Files.readString(Path.of("examples/invalid/release-problems.yaml")), running)).containsExactly(
                "prune: no service of 5.1.2.02 (the version the platform runs) is absent from this version: there is"
                        + " nothing to prune",
                "jobs.before[0]: missing required field \"image\"",
                "services[1].template: service \"auth\" already exists in 5.1.2.02 (the version the platform runs): a"
                        + " template only creates a new service; remove it",
                "services[2].env.1ST_POOL: \"1ST_POOL\" " + ReleaseRules.ENV_RULE,
                "services[2].env.TOKEN.valueFrom: must name exactly one of configMapKeyRef and secretKeyRef, got 2",
                "services[2].resources.requests.memory: \"lots\" " + ReleaseRules.QUANTITY_RULE,
                "services[2].resources.limits.cpu: limit 500m is below the request 2",
                "services[2].volumeClaimTemplates: only a StatefulSet has volumeClaimTemplates: set kind: StatefulSet"
                        + " or remove them");
    }

    @Test
    void refusesChangingAStatefulSetsClaimsOrAServicesKind() {
        VersionConfig running = new VersionConfig("5.1.2.02", List.of(
                new ServiceSpec("search", "registry.upshift.local/search:1", List.of(), null, null, null,
                        WorkloadKind.STATEFUL_SET, null, null, 3, null, null, null,
                        List.of(new VolumeClaim("data", "10Gi", List.of("ReadWriteOnce"), null)), null, null, null),
                new ServiceSpec("auth", "registry.upshift.local/auth:1", List.of(), null, null, null)), null, null);

        assertThat(rejected(searchAndAuth("20Gi", "kind: StatefulSet"), running)).containsExactly(
                "services[0].volumeClaimTemplates: differ from 5.1.2.02's; Kubernetes forbids changing a StatefulSet's"
                        + " volumeClaimTemplates",
                "services[1].kind: service \"auth\" is a Deployment in 5.1.2.02: an upgrade cannot change its kind");

        // the same claims written another way (10240Mi = 10Gi) are no change
        assertThat(reader(running).read(searchAndAuth("10240Mi", "").getBytes(), "yaml").service("search").orElseThrow()
                .workloadKind()).isEqualTo(WorkloadKind.STATEFUL_SET);
    }

    /** A StatefulSet {@code search} claiming {@code storage}, and {@code auth} with {@code authLine} added. */
    private static String searchAndAuth(String storage, String authLine) {
        return """
                version: "5.1.2.03"
                services:
                  - name: search
                    image: registry.upshift.local/search:2
                    kind: StatefulSet
                    volumeClaimTemplates:
                      - {name: data, storage: %s, accessModes: [ReadWriteOnce]}
                  - name: auth
                    image: registry.upshift.local/auth:2
                    %s
                """.formatted(storage, authLine);
    }

    @Test
    void refusesBadShapesThroughTheSchemaWithTheirPaths() {
        assertThat(rejected("""
                version: "5.1.2.03"
                services:
                  - name: auth
                    image: registry.upshift.local/auth:2
                    kind: CronJob
                    replicas: -1
                    env: {A: 3}
                    resources: {requests: {gpu: "1"}}
                    configMaps: {auth-config: {"bad key": x}}
                """, null)).containsExactly(
                "services[0].kind: must be one of Deployment, StatefulSet, got \"CronJob\"",
                "services[0].replicas: must be at least 0, got -1",
                "services[0].env.A: must be a string value or {valueFrom: {configMapKeyRef|secretKeyRef: {name, key}}},"
                        + " got a number",
                "services[0].resources.requests: unknown field \"gpu\" (did you mean \"cpu\"?)",
                "services[0].configMaps.auth-config.bad key: \"bad key\" " + SchemaProblems.CONFIG_MAP_KEY_RULE);
    }

    @Test
    void overwritingTheRunningVersionIsNotComparedWithItself() throws IOException {
        VersionConfig release = example("platform-5.1.2.05.yaml", null);

        // lineage's template stays in 5.1.2.05 once the platform runs it; overwriting 5.1.2.05 is no new service
        assertThat(example("platform-5.1.2.05.yaml", release).service("lineage").orElseThrow().template()).isNotNull();
    }
}
