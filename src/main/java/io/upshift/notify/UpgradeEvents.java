package io.upshift.notify;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.upshift.upgrade.ActionEntry;
import io.upshift.upgrade.UpgradeRecord;
import io.upshift.upgrade.UpgradeState;

/**
 * The events between two stored versions of an upgrade's record: a pure function of what the
 * lifecycle stores, so every transition it persists raises its events, whichever path stored it
 * (a decision, a resume, an action).
 */
public final class UpgradeEvents {

    private UpgradeEvents() {
    }

    /** {@code before} is null when the record is first stored (accepted). In order: actions, start, stage, end. */
    public static List<Event> between(UpgradeRecord before, UpgradeRecord after, Instant at) {
        List<Event> events = new ArrayList<>();
        if (before == null) {
            events.add(event(EventType.UPGRADE_ACCEPTED, after, at, after.requestedBy(), after.fromVersion() + " → "
                    + after.targetVersion() + ", " + after.services().size() + " services, " + after.mode()));
            return events;
        }
        for (ActionEntry action : after.actions().subList(Math.min(before.actions().size(), after.actions().size()),
                after.actions().size())) {
            events.add(event(EventType.UPGRADE_ACTION, after, action.at(), action.by(), action.action()
                    + (action.note() == null || action.note().isBlank() ? "" : ": " + action.note())));
        }
        boolean stateChanged = before.state() != after.state();
        boolean active = !after.state().isFinal();
        if (stateChanged && before.state() == UpgradeState.PENDING && active) {
            events.add(event(EventType.UPGRADE_STARTED, after, at, after.requestedBy(), after.message()));
        }
        if (active && after.state() != UpgradeState.PENDING
                && (stateChanged || !Objects.equals(before.phase(), after.phase()))) {
            events.add(event(EventType.UPGRADE_STAGE, after, at, null, after.message()));
        }
        if (stateChanged && !active) {
            events.add(event(EventType.ended(after.state()), after, at, null, after.message()));
        }
        return events;
    }

    private static Event event(EventType type, UpgradeRecord r, Instant at, String by, String message) {
        String stage = r.state().name() + (r.phase() == null ? "" : "/" + r.phase().name());
        return new Event(type, at, r.id(), null, stage, r.fromVersion(), r.targetVersion(),
                r.mode() == null ? null : r.mode().name(), r.trigger(), by, message);
    }
}
