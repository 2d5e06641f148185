package io.upshift.schedule;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.upshift.intake.DocumentType;

/**
 * An upgrade window as asked for (HTTP body, inbox file with {@code kind: UpgradeSchedule}, or the
 * {@code upshift.windows.<name>.*} settings), before validation: one {@code at}, or {@code cron}
 * with {@code timeZone}; {@code windowMinutes} null means 60. Fields are text so that every
 * problem can be reported with its own reason. {@code acceptWarnings} true lets the window's upgrade go on
 * past pre-check warnings (nobody is there to accept them when it opens).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleRequest(String targetVersion, String mode, Boolean acceptRisk, String requestedBy,
        Boolean allowDowngrade, String at, String cron, String timeZone, Integer windowMinutes, Boolean acceptWarnings) {

    /**
     * Read against {@code schema/upgrade-schedule.schema.json} and {@link ScheduleValidator}'s form
     * rules, all refusals 400 as before; whether the window is still ahead and its version known is
     * checked when it is stored.
     */
    public static final DocumentType<ScheduleRequest> DOCUMENT = DocumentType
            .of("schedule", "/schema/upgrade-schedule.schema.json", ScheduleRequest.class, 400)
            .withRules(ScheduleValidator::check);
}
