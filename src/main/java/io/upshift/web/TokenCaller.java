package io.upshift.web;

/**
 * Who calls with a valid token: the token's owner and name, and the role the call gets: the
 * token's, but never more than the owner has in the users file now (a demoted owner's tokens are
 * demoted with them; a removed owner's stop working).
 */
public record TokenCaller(String owner, String token, Role role) {

    /** Separates owner and token in a caller's name; user names cannot contain it. */
    static final char SEPARATOR = '/';

    /** The caller's name as routes and records see it: {@code alice/ci-bot}. */
    public String subject() {
        return owner + SEPARATOR + token;
    }
}
