package io.upshift.upgrade;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * The Upgrade Record of one upgrade, as the API shows it. {@code trigger} is {@code http},
 * {@code inbox} or {@code schedule}; {@code overran} is true when a scheduled upgrade was still
 * running after its window closed.
 */
public record UpgradeRecord(String id, String fromVersion, String targetVersion, UpgradeMode requestedMode,
        UpgradeMode mode, String modeReason, UpgradeState state, String trigger, String requestedBy,
        Instant createdAt, Instant startedAt, Instant finishedAt, Progress progress, List<ServiceProgress> services,
        String message, Instant windowEndsAt, boolean overran) {

    public UpgradeRecord {
        services = services == null ? List.of() : List.copyOf(services);
        progress = progressOf(services);
    }

    public UpgradeRecord running(Instant at, String newMessage) {
        return new UpgradeRecord(id, fromVersion, targetVersion, requestedMode, mode, modeReason, UpgradeState.RUNNING,
                trigger, requestedBy, createdAt, startedAt == null ? at : startedAt, null, progress, services,
                newMessage, windowEndsAt, overran);
    }

    public UpgradeRecord ended(UpgradeState newState, Instant at, String newMessage) {
        boolean late = overran || (windowEndsAt != null && at.isAfter(windowEndsAt));
        return new UpgradeRecord(id, fromVersion, targetVersion, requestedMode, mode, modeReason, newState, trigger,
                requestedBy, createdAt, startedAt, at, progress, services, newMessage, windowEndsAt, late);
    }

    public UpgradeRecord withMessage(String newMessage) {
        return new UpgradeRecord(id, fromVersion, targetVersion, requestedMode, mode, modeReason, state, trigger,
                requestedBy, createdAt, startedAt, finishedAt, progress, services, newMessage, windowEndsAt, overran);
    }

    /** The record with one service's line replaced. */
    public UpgradeRecord withService(ServiceProgress updated) {
        List<ServiceProgress> changed = new ArrayList<>(services.size());
        for (ServiceProgress s : services) {
            changed.add(s.name().equals(updated.name()) ? updated : s);
        }
        return new UpgradeRecord(id, fromVersion, targetVersion, requestedMode, mode, modeReason, state, trigger,
                requestedBy, createdAt, startedAt, finishedAt, progress, changed, message, windowEndsAt, overran);
    }

    public Optional<ServiceProgress> service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Every service has an outcome for this run: the aggregator's completion condition. */
    @JsonIgnore
    public boolean isServicesFinal() {
        return services.stream().allMatch(ServiceProgress::isFinal);
    }

    @JsonIgnore
    public boolean isAllDone() {
        return services.stream().allMatch(s -> s.state().isDone());
    }

    private static Progress progressOf(List<ServiceProgress> services) {
        int done = (int) services.stream().filter(s -> s.state().isDone()).count();
        return Progress.of(done, services.size());
    }
}
