package io.upshift.store;

import io.upshift.upgrade.UpgradeRecord;

/**
 * Told of every change of an upgrade's record inside the transaction that stores it (so what it
 * writes commits or rolls back with the record: the notifications' outbox). What it answers runs
 * once that transaction has committed.
 */
@FunctionalInterface
public interface RecordChanges {

    RecordChanges NONE = (tx, before, after) -> () -> { };

    /** {@code before} is null when the record is created. */
    Runnable stored(Jdbc tx, UpgradeRecord before, UpgradeRecord after);
}
