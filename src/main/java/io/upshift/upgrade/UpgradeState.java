package io.upshift.upgrade;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where an upgrade stands, as Dataphin's Upgrade Records name it. The active states hold the
 * platform lock; the others are final (an operator action may still start from some of them:
 * resume, mark, rollback).
 */
public enum UpgradeState {
    /** Accepted, the lock held, nothing changed yet (cancellable). */
    PENDING,
    /** Checks before anything changes (none yet: a later issue fills this stage). */
    PRECHECKING,
    /** Services are being changed. */
    UPGRADING,
    /** Every service is at the target; checks after the change (none yet). */
    VERIFYING,
    SUCCEEDED,
    FAILED,
    /** A service failed: the changed services are being put back, in reverse dependency order. */
    ROLLING_BACK,
    ROLLED_BACK,
    /** Stop asked: no new service starts; those mid-roll finish; services taken down come back up. */
    STOPPING,
    STOPPED,
    CANCELLED,
    /** Abandoned at once by an operator: nothing more was done in the cluster. */
    FORCE_STOPPED,
    MARKED_SUCCEEDED,
    MARKED_FAILED;

    private static final Set<UpgradeState> ACTIVE = EnumSet.of(PENDING, PRECHECKING, UPGRADING, VERIFYING,
            ROLLING_BACK, STOPPING);

    public boolean isFinal() {
        return !ACTIVE.contains(this);
    }

    /** The states an upgrade runs in: it holds the platform lock. */
    public static Set<UpgradeState> active() {
        return EnumSet.copyOf(ACTIVE);
    }
}
