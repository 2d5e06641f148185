package io.upshift.config;

import java.nio.file.Path;
import java.time.Clock;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.upshift.intake.DocumentKind;
import io.upshift.intake.DocumentReader;
import io.upshift.intake.ErrorBodies;
import io.upshift.intake.InboxArchive;
import io.upshift.intake.SizeLimit;
import io.upshift.schedule.ScheduleRequest;
import io.upshift.store.Jdbc;
import io.upshift.store.PlatformVersion;
import io.upshift.upgrade.UpgradeRequest;
import io.upshift.version.VersionConfig;
import io.upshift.version.VersionStore;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;

/**
 * Beans of the intake: reading (one {@link DocumentReader} per kind of document), storing and
 * archiving version configurations and requests.
 * They are lazy so that the beans they take (mappers, data source) are bound first, whatever
 * order the configuration classes are scanned in.
 */
@Configuration
public class IntakeConfiguration implements CamelConfiguration {

    /** Also compares a release with the stored config of the version the platform runs (docs/version-config.md: Releases). */
    @BindToRegistry(value = "versionReader", lazy = true)
    public DocumentReader<VersionConfig> versionReader(@BeanInject("jsonMapper") ObjectMapper json,
            @BeanInject("yamlMapper") ObjectMapper yaml, @PropertyInject("upshift.intake.max-bytes") long maxBytes,
            @BeanInject("versionStore") VersionStore versions, @BeanInject("platformVersion") PlatformVersion platform) {
        return new DocumentReader<>(VersionConfig.document(() -> versions.find(platform.current())), json, yaml,
                maxBytes);
    }

    @BindToRegistry(value = "upgradeRequestReader", lazy = true)
    public DocumentReader<UpgradeRequest> upgradeRequestReader(@BeanInject("jsonMapper") ObjectMapper json,
            @BeanInject("yamlMapper") ObjectMapper yaml, @PropertyInject("upshift.intake.max-bytes") long maxBytes) {
        return new DocumentReader<>(UpgradeRequest.DOCUMENT, json, yaml, maxBytes);
    }

    @BindToRegistry(value = "scheduleReader", lazy = true)
    public DocumentReader<ScheduleRequest> scheduleReader(@BeanInject("jsonMapper") ObjectMapper json,
            @BeanInject("yamlMapper") ObjectMapper yaml, @PropertyInject("upshift.intake.max-bytes") long maxBytes) {
        return new DocumentReader<>(ScheduleRequest.DOCUMENT, json, yaml, maxBytes);
    }

    @BindToRegistry(value = "versionStore", lazy = true)
    public VersionStore versionStore(@BeanInject("jdbc") Jdbc jdbc,
            @BeanInject("jsonMapper") ObjectMapper json, @BeanInject("clock") Clock clock) {
        return new VersionStore(jdbc, json, clock);
    }

    @BindToRegistry(value = "documentKind", lazy = true)
    public DocumentKind documentKind(@BeanInject("yamlMapper") ObjectMapper yaml) {
        return new DocumentKind(yaml);
    }

    @BindToRegistry(value = "inboxArchive", lazy = true)
    public InboxArchive inboxArchive(@PropertyInject("upshift.inbox.dir") String inboxDir,
            @BeanInject("jsonMapper") ObjectMapper json, @BeanInject("clock") Clock clock,
            @PropertyInject("upshift.inbox.retention") String retention,
            @PropertyInject("upshift.inbox.max-archived") int maxArchived) {
        return new InboxArchive(Path.of(inboxDir), json, clock,
                new InboxArchive.Retention(io.upshift.kubernetes.Durations.parse(retention), maxArchived));
    }

    @BindToRegistry(value = "errorBodies", lazy = true)
    public ErrorBodies errorBodies(@BeanInject("inboxArchive") InboxArchive archive) {
        return new ErrorBodies(archive);
    }

    /** The inbox consumer's exception handler: files handled but not archived (issue 19). */
    @BindToRegistry(value = "inboxFaults", lazy = true)
    public io.upshift.intake.InboxFaults inboxFaults(@BeanInject("inboxArchive") InboxArchive archive,
            @BeanInject("errorBodies") ErrorBodies errors, @BeanInject("unarchivableNames") io.upshift.intake.UnarchivableNames names,
            @BeanInject("metricsRegistry") io.micrometer.core.instrument.MeterRegistry registry,
            @PropertyInject("upshift.inbox.dir") String inboxDir, @PropertyInject("upshift.inbox.max-unarchived") int maxRemembered) {
        return new io.upshift.intake.InboxFaults(archive, errors, names, Path.of(inboxDir), registry, maxRemembered);
    }

    @BindToRegistry(value = "unarchivableNames", lazy = true)
    public io.upshift.intake.UnarchivableNames unarchivableNames(@BeanInject("inboxArchive") InboxArchive archive,
            @BeanInject("errorBodies") ErrorBodies errors, @PropertyInject("upshift.inbox.dir") String inboxDir) {
        return new io.upshift.intake.UnarchivableNames(archive, errors, Path.of(inboxDir));
    }

    @BindToRegistry(value = "intakeLimit", lazy = true)
    public SizeLimit intakeLimit(@PropertyInject("upshift.intake.max-bytes") long maxBytes) {
        return new SizeLimit(maxBytes);
    }
}
