package io.upshift.upgrade;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.upshift.intake.DocumentType;
import io.upshift.intake.Problem;

/**
 * A request to upgrade the platform, from HTTP ({@code POST /api/upgrades}), an inbox file with
 * {@code kind: UpgradeRequest}, or a scheduled window. {@code mode} null means zero-downtime;
 * {@code windowEndsAt} is set by a scheduled window: no service of a downtime upgrade starts after it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpgradeRequest(String targetVersion, UpgradeMode mode, Boolean acceptRisk, String requestedBy,
        Boolean allowDowngrade, Instant windowEndsAt, Boolean acceptWarnings) {

    /**
     * Read against {@code schema/upgrade-request.schema.json} (a client cannot set
     * {@code windowEndsAt}), and the mode must be one Upshift knows; refusals are 400 as before.
     * Whether the risk is accepted and the target known is the planner's to check.
     */
    public static final DocumentType<UpgradeRequest> DOCUMENT = DocumentType
            .of("upgrade request", "/schema/upgrade-request.schema.json", UpgradeRequest.class, 400)
            .withRules((root, sound) -> {
                if (root.path("mode").isTextual() && sound.test(Problem.path("mode"))) {
                    try {
                        UpgradeMode.parse(root.path("mode").asText());
                    } catch (IllegalArgumentException e) {
                        return List.of(new Problem(Problem.path("mode"), e.getMessage()));
                    }
                }
                return List.of();
            });

    public boolean riskAccepted() {
        return Boolean.TRUE.equals(acceptRisk);
    }

    /** The operator accepts the pre-checks' warnings (a blocking failure stops the upgrade regardless). */
    public boolean warningsAccepted() {
        return Boolean.TRUE.equals(acceptWarnings);
    }

    public boolean downgradeAllowed() {
        return Boolean.TRUE.equals(allowDowngrade);
    }
}
