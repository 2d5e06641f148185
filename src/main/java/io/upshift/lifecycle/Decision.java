package io.upshift.lifecycle;

import java.util.List;

import io.upshift.RejectedException;
import io.upshift.upgrade.UpgradeRecord;

/**
 * The outcome of one reconcile: the record to store, what to do, the log lines to append, or the
 * refusal of an operator action (then nothing changes).
 */
public record Decision(UpgradeRecord next, List<Effect> effects, List<String> log, RejectedException refusal) {

    public Decision {
        effects = List.copyOf(effects);
        log = List.copyOf(log);
    }

    static Decision refuse(UpgradeRecord stored, RejectedException refusal) {
        return new Decision(stored, List.of(), List.of(), refusal);
    }

    public boolean refused() {
        return refusal != null;
    }

    public boolean has(Class<? extends Effect> type) {
        return effects.stream().anyMatch(type::isInstance);
    }
}
