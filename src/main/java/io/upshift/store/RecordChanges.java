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

    /** Each of {@code listeners}, in order. */
    static RecordChanges all(RecordChanges... listeners) {
        return (tx, before, after) -> {
            java.util.List<Runnable> then = new java.util.ArrayList<>();
            for (RecordChanges listener : listeners) {
                then.add(listener.stored(tx, before, after));
            }
            return () -> then.forEach(Runnable::run);
        };
    }
}
