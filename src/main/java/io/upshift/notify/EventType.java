package io.upshift.notify;

import java.util.Arrays;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;
import io.upshift.upgrade.UpgradeState;

/** What happened, as receivers see it ({@code upgrade.succeeded}) and select it ({@code upshift.notify.<name>.events}). */
public enum EventType {
    UPGRADE_ACCEPTED("upgrade.accepted"),
    UPGRADE_STARTED("upgrade.started"),
    /** A stage of the lifecycle began: a state such as PRECHECKING, or a phase such as SCALE_UP. */
    UPGRADE_STAGE("upgrade.stage"),
    UPGRADE_SUCCEEDED("upgrade.succeeded"),
    UPGRADE_FAILED("upgrade.failed"),
    UPGRADE_ROLLED_BACK("upgrade.rolled-back"),
    UPGRADE_STOPPED("upgrade.stopped"),
    UPGRADE_CANCELLED("upgrade.cancelled"),
    UPGRADE_FORCE_STOPPED("upgrade.force-stopped"),
    UPGRADE_MARKED("upgrade.marked"),
    /** An operator acted on an upgrade (stop, force-stop, mark, resume, cancel, rollback). */
    UPGRADE_ACTION("upgrade.action"),
    SCHEDULE_SKIPPED("schedule.skipped"),
    SCHEDULE_MISSED("schedule.missed"),
    /** A window opened but its upgrade was refused for another reason than the two skips. */
    SCHEDULE_FAILED("schedule.failed");

    private final String id;

    EventType(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    public static Optional<EventType> ofId(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
    }

    /** True for the events of an upgrade reaching a final state (its event stream ends with it). */
    public boolean ends() {
        return switch (this) {
            case UPGRADE_SUCCEEDED, UPGRADE_FAILED, UPGRADE_ROLLED_BACK, UPGRADE_STOPPED, UPGRADE_CANCELLED,
                    UPGRADE_FORCE_STOPPED, UPGRADE_MARKED -> true;
            default -> false;
        };
    }

    /** The event an upgrade ending in {@code state} raises. */
    static EventType ended(UpgradeState state) {
        return switch (state) {
            case SUCCEEDED -> UPGRADE_SUCCEEDED;
            case ROLLED_BACK -> UPGRADE_ROLLED_BACK;
            case STOPPED -> UPGRADE_STOPPED;
            case CANCELLED -> UPGRADE_CANCELLED;
            case FORCE_STOPPED -> UPGRADE_FORCE_STOPPED;
            case MARKED_SUCCEEDED, MARKED_FAILED -> UPGRADE_MARKED;
            default -> UPGRADE_FAILED;
        };
    }
}
