package io.upshift.cluster;

import java.util.Objects;
import java.util.Optional;

/**
 * A nudge from one replica to the others: "look at this again". It carries no state (the state is
 * in the database), only what to look at, so a lost or repeated signal costs a reconcile, never a
 * wrong decision. Sent as the payload of a PostgreSQL {@code NOTIFY}: {@code KIND subject from}.
 *
 * @param subject the upgrade id, or for {@link Kind#ANSWERED} the action request's id
 * @param from the instance id of the sender (a replica ignores its own signals)
 */
public record Signal(Kind kind, String subject, String from) {

    public enum Kind {
        /** An upgrade's platform lock was taken: watch its lease (kill -9 leaves it to expire). */
        LOCKED,
        /** A replica that is shutting down handed an unfinished upgrade over: its lock is free now. */
        RELEASED,
        /** An operator action for an upgrade run by another replica was stored: its owner decides it. */
        ACTION,
        /** A stored action was decided: its requester answers the operator. */
        ANSWERED,
        /** An upgrade's event journal has new events: followers here read them. */
        EVENTS,
        /** This replica's listener (re)connected: signals may have been missed, look at everything. */
        RESYNC
    }

    public Signal {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(from, "from");
        if (subject.isBlank() || subject.contains(" ") || from.isBlank() || from.contains(" ")) {
            throw new IllegalArgumentException("a signal's subject and sender are single words: " + subject + ", " + from);
        }
    }

    public String payload() {
        return kind + " " + subject + " " + from;
    }

    /** The signal in {@code payload}, or empty for anything else on the channel. */
    public static Optional<Signal> parse(String payload) {
        String[] parts = payload == null ? new String[0] : payload.split(" ");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Signal(Kind.valueOf(parts[0]), parts[1], parts[2]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
