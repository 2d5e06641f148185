package io.upshift.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What changed between two views of the users file, as audit actions: {@code user.add},
 * {@code user.remove}, {@code user.role} and {@code user.password} (a user whose role and password
 * both changed gets both). Names in order, so the trail reads the same on every replica.
 */
public final class UserChanges {

    /** A user as the trail knows them: the role and a digest of the stored password hash. */
    public record Known(String role, String credential) {
    }

    /** One change: the audit action, the user's name, and what it was (a role change says from and to). */
    public record Change(String action, String name, String detail) {
        /** The audit row's object: the name, and the detail when there is one. */
        public String object() {
            return detail == null ? name : name + " (" + detail + ")";
        }
    }

    private UserChanges() {
    }

    public static List<Change> between(Map<String, Known> before, Map<String, Known> after) {
        List<Change> changes = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        for (String name : names) {
            Known was = before.get(name);
            Known now = after.get(name);
            if (was == null) {
                changes.add(new Change("user.add", name, now.role()));
            } else if (now == null) {
                changes.add(new Change("user.remove", name, null));
            } else {
                if (!was.role().equals(now.role())) {
                    changes.add(new Change("user.role", name, was.role() + " -> " + now.role()));
                }
                if (!was.credential().equals(now.credential())) {
                    changes.add(new Change("user.password", name, null));
                }
            }
        }
        return changes;
    }
}
