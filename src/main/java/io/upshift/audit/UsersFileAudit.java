package io.upshift.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.upshift.LogText;
import io.upshift.store.Jdbc;
import io.upshift.web.Passwords;
import io.upshift.web.UserFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audits the users file, which the {@code Users} command edits apart from the server (it cannot
 * reach the embedded database the server holds): the file as it is now is compared with the view
 * stored in {@code audited_user}, each difference becomes one audit row, and the view is updated,
 * in one transaction. Level-triggered: it runs at start and whenever the file changes, and a change
 * made while Upshift was down is audited at the next start. Who made it is the file's owner (the
 * account that wrote it), from address {@code local}.
 */
public class UsersFileAudit {

    private static final Logger LOG = LoggerFactory.getLogger(UsersFileAudit.class);
    static final String ADDRESS = "local";

    private final UserFile users;
    private final Jdbc jdbc;
    private final Clock clock;

    public UsersFileAudit(UserFile users, Jdbc jdbc, Clock clock) {
        this.users = users;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Path file() {
        return users.path();
    }

    /** Audits what changed since the last look; the changes written (none when nothing did). */
    public List<UserChanges.Change> reconcile() {
        if (!users.exists()) {
            return List.of();
        }
        Map<String, UserChanges.Known> now = new TreeMap<>();
        users.users().forEach((name, entry) -> now.put(name, new UserChanges.Known(entry.role(), Passwords.digest(entry.password()))));
        String owner = owner();
        try {
            return write(now, owner);
        } catch (IllegalStateException raced) { // another replica wrote the same change first: look again
            LOG.debug("Users file audit raced another replica ({}); looking again", raced.getMessage());
            return write(now, owner);
        }
    }

    private List<UserChanges.Change> write(Map<String, UserChanges.Known> now, String owner) {
        return jdbc.inTransaction(tx -> {
            Map<String, UserChanges.Known> seen = new HashMap<>();
            tx.query("SELECT name, role, credential FROM audited_user", row -> seen.put(row.getString(1),
                    new UserChanges.Known(row.getString(2), row.getString(3))));
            List<UserChanges.Change> changes = UserChanges.between(seen, now);
            for (UserChanges.Change c : changes) {
                tx.update("INSERT INTO audit_log (at, username, role, address, action, object, outcome, status)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", clock.instant(), owner, null, ADDRESS, c.action(),
                        c.object(), AuditEntry.ACCEPTED, null);
                UserChanges.Known known = now.get(c.name());
                if (known == null) {
                    tx.update("DELETE FROM audited_user WHERE name = ?", c.name());
                } else if (c.action().equals("user.add")) {
                    insert(tx, c.name(), known);
                } else {
                    tx.update("UPDATE audited_user SET role = ?, credential = ? WHERE name = ?", known.role(),
                            known.credential(), c.name());
                }
                LOG.info("Users file: {} {} (by {})", c.action(), LogText.of(c.object()), LogText.of(owner));
            }
            return changes;
        });
    }

    private static void insert(Jdbc tx, String name, UserChanges.Known known) {
        try {
            tx.updateOrThrow("INSERT INTO audited_user (name, role, credential) VALUES (?, ?, ?)", name, known.role(),
                    known.credential());
        } catch (SQLException e) {
            throw new IllegalStateException("user " + name + " audited meanwhile", e);
        }
    }

    private String owner() {
        try {
            return Files.getOwner(users.path()).getName();
        } catch (IOException | UnsupportedOperationException e) {
            return "unknown";
        }
    }

}
