package io.upshift.web;

import java.util.Locale;

/** What a user may do: viewers read (GET), operators also change things (upload, start, stop, schedule). */
public enum Role {
    VIEWER,
    OPERATOR;

    /** The name used in the users file and in answers: lower case. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role of(String id) {
        for (Role role : values()) {
            if (role.id().equals(id == null ? null : id.trim().toLowerCase(Locale.ROOT))) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role \"" + id + "\" (expected viewer or operator)");
    }
}
