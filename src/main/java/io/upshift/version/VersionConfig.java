package io.upshift.version;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.upshift.intake.DocumentType;

/**
 * The manifest of a platform version: its services, their images and dependencies.
 * {@code zeroDowntime} is false for a version that cannot be rolled live (null means true).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VersionConfig(String version, List<ServiceSpec> services, Boolean zeroDowntime, String releaseNotes) {

    /** Read against {@code schema/version-config.schema.json} and {@link SemanticRules}; the version without its leading V. */
    public static final DocumentType<VersionConfig> DOCUMENT = DocumentType
            .of("version configuration", "/schema/version-config.schema.json", VersionConfig.class, 422)
            .withRules(SemanticRules::check)
            .withNormalize(c -> new VersionConfig(Version.parse(c.version()).text(), c.services(), c.zeroDowntime(),
                    c.releaseNotes()));

    public VersionConfig {
        services = services == null ? List.of() : List.copyOf(services);
    }

    public boolean allowsZeroDowntime() {
        return zeroDowntime == null || zeroDowntime;
    }

    public Optional<ServiceSpec> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
