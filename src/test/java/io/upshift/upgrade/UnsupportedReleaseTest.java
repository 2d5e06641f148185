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
    void refusesNewAndRetiredServicesWithEveryReason() throws Exception {
        RejectedException e = catchThrowableOfType(RejectedException.class, () -> UpgradePlanner.refuseUnsupported(
                example("platform-5.1.2.02.yaml"), example("platform-5.1.2.05.yaml")));

        assertThat(e.code()).isEqualTo(RejectedException.Code.NOT_SUPPORTED);
        assertThat(e.status()).isEqualTo(422);
        assertThat(e.reasons()).containsExactly(
                "lineage: creating a new service from its template is not supported yet",
                "scheduler: retiring a service (absent from 5.1.2.05) is not supported yet");
    }

    @Test
    void letsThroughAReleaseThatChangesSettingsOnly() throws Exception {
        UpgradePlanner.refuseUnsupported(example("platform-5.1.2.02.yaml"), example("platform-5.1.2.04.yaml"));
        UpgradePlanner.refuseUnsupported(null, example("platform-5.1.2.04.yaml"));
    }
}
