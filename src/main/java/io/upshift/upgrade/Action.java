package io.upshift.upgrade;

import java.util.Arrays;
import java.util.Optional;

/** What an operator can do to an upgrade: {@code POST /api/upgrades/{id}/<path>}. */
public enum Action {
    STOP("stop"), FORCE_STOP("force-stop"), MARK("mark"), RESUME("resume"), CANCEL("cancel"), ROLLBACK("rollback"),
    RESUME_VERIFICATION("resume-verification");

    private final String path;

    Action(String path) {
        this.path = path;
    }

    public String path() {
        return path;
    }

    public static Optional<Action> ofPath(String path) {
        return Arrays.stream(values()).filter(a -> a.path.equals(path)).findFirst();
    }
}
