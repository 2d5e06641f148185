package io.upshift.upgrade;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.upshift.RejectedException;
import io.upshift.config.JsonConfiguration;
import io.upshift.intake.DocumentReader;
import io.upshift.version.VersionConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** What a release asks for that this Upshift does not do yet is refused with every reason, never half done. */
class UnsupportedReleaseTest {

    private final JsonConfiguration mappers = new JsonConfiguration();
    private final DocumentReader<VersionConfig> reader = new DocumentReader<>(VersionConfig.document(Optional::empty),
            mappers.jsonMapper(), mappers.yamlMapper(), 64 * 1024);

    private VersionConfig example(String name) throws Exception {
        return reader.read(Files.readAllBytes(Path.of("examples", name)), null);
    }

    @Test
    void refusesStatefulSetsCreatedOrRetiredWithEveryReason() throws Exception {
        // 5.1.2.02 runs scheduler as a StatefulSet; 5.1.2.05 retires it and creates lineage as a StatefulSet
        VersionConfig running = reader.read(new String(Files.readAllBytes(Path.of("examples", "platform-5.1.2.02.yaml")))
                .replace("  - name: scheduler\n", "  - name: scheduler\n    kind: StatefulSet\n").getBytes(), null);
        String target = new String(Files.readAllBytes(Path.of("examples", "platform-5.1.2.05.yaml")));
        assertThat(target).contains("  - name: lineage\n").doesNotContain("  - name: scheduler\n");
        VersionConfig created = reader.read(target.replace("  - name: lineage\n", "  - name: lineage\n    kind: StatefulSet\n")
                .getBytes(), null);

        RejectedException e = catchThrowableOfType(RejectedException.class, () -> UpgradePlanner.refuseUnsupported(
                running, created));

        assertThat(e.code()).isEqualTo(RejectedException.Code.NOT_SUPPORTED);
        assertThat(e.status()).isEqualTo(422);
        assertThat(e.reasons()).containsExactly(
                "lineage: creating a StatefulSet from a template is not done by this version of Upshift yet",
                "scheduler: retiring a StatefulSet is not done by this version of Upshift yet");
    }

    @Test
    void letsThroughStatefulSetsChangedInPlace() throws Exception {
        VersionConfig statefulSets = reader.read(new String(Files.readAllBytes(Path.of("examples", "platform-5.1.2.04.yaml")))
                .replace("  - name: metadata\n", "  - name: metadata\n    kind: StatefulSet\n").getBytes(), null);
        UpgradePlanner.refuseUnsupported(example("platform-5.1.2.02.yaml"), statefulSets);
    }

    @Test
    void letsThroughJobsNewAndRetiredServices() throws Exception {
        UpgradePlanner.refuseUnsupported(example("platform-5.1.2.02.yaml"), example("platform-5.1.2.05.yaml"));
        UpgradePlanner.refuseUnsupported(example("platform-5.1.2.02.yaml"), example("platform-5.1.2.04.yaml"));
        UpgradePlanner.refuseUnsupported(null, example("platform-5.1.2.04.yaml"));
    }
}
