package io.upshift.version;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.upshift.intake.DocumentType;
import io.upshift.intake.Problem;

/**
 * The manifest of a platform version: its services, their images and dependencies.
 * {@code zeroDowntime} is false for a version that cannot be rolled live (null means true).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VersionConfig(String version, List<ServiceSpec> services, Boolean zeroDowntime, String releaseNotes,
        // release fields (issue 13): delete retired services' workloads; jobs before and after the services change
        Boolean prune, Jobs jobs) {

    /** Read against {@code schema/version-config.schema.json} and the rules of the document alone; the version without its leading V. */
    public static final DocumentType<VersionConfig> DOCUMENT = document(Optional::empty);

    public VersionConfig {
        services = services == null ? List.of() : List.copyOf(services);
    }

    /** A version that only names its services' images. */
    public VersionConfig(String version, List<ServiceSpec> services, Boolean zeroDowntime, String releaseNotes) {
        this(version, services, zeroDowntime, releaseNotes, null, null);
    }

    /**
     * The reader for imports: the schema, the document's own rules ({@link SemanticRules},
     * {@link ReleaseRules}), and those that compare it with {@code running}, the stored config of the
     * version the platform runs (empty when it was never imported).
     */
    public static DocumentType<VersionConfig> document(Supplier<Optional<VersionConfig>> running) {
        return DocumentType.of("version configuration", "/schema/version-config.schema.json", VersionConfig.class, 422)
                .withRules((root, sound) -> {
                    List<Problem> problems = new ArrayList<>(SemanticRules.check(root, sound));
                    problems.addAll(ReleaseRules.check(root, sound));
                    running.get().ifPresent(r -> problems.addAll(ReleaseRules.against(r, root, sound)));
                    return problems;
                })
                .withNormalize(c -> new VersionConfig(Version.parse(c.version()).text(), c.services(), c.zeroDowntime(),
                        c.releaseNotes(), c.prune(), c.jobs()));
    }

    @JsonIgnore
    public boolean prunes() {
        return prune != null && prune;
    }

    @JsonIgnore
    public List<JobSpec> jobsBefore() {
        return jobs == null ? List.of() : jobs.before();
    }

    @JsonIgnore
    public List<JobSpec> jobsAfter() {
        return jobs == null ? List.of() : jobs.after();
    }

    public boolean allowsZeroDowntime() {
        return zeroDowntime == null || zeroDowntime;
    }

    public Optional<ServiceSpec> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
