package io.upshift.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.upshift.RejectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API tokens: made by {@code POST /api/tokens} (256 random bits, shown once; only the SHA-256 is
 * stored), listed, revoked by deleting the row, and checked on every Bearer call by one indexed
 * read. No cache in front of the database, so a revoked token is refused at once on every replica.
 * A SHA-256 is enough here (no slow hash as for passwords): a token has 256 bits of entropy, so
 * there is nothing to guess from its hash.
 */
public class Tokens {

    private static final Logger LOG = LoggerFactory.getLogger(Tokens.class);

    /** Makes a leaked token recognisable (secret scanners, logs). */
    public static final String PREFIX = "upshift_";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final int TOKEN_BYTES = 32;

    /** Settings (application.properties, section Access): default and longest lifetime, last-used precision. */
    public record Settings(int defaultExpiryDays, int maxExpiryDays, Duration lastUsedResolution) {
    }

    private final TokenStore store;
    private final UserFile users;
    private final ObjectMapper json;
    private final Clock clock;
    private final Settings settings;
    private final SecureRandom random = new SecureRandom();

    public Tokens(TokenStore store, UserFile users, ObjectMapper json, Clock clock, Settings settings) {
        this.store = store;
        this.users = users;
        this.json = json;
        this.clock = clock;
        this.settings = settings;
    }

    /** Creates a token for the caller (a user, or a token acting for its owner), at most with the caller's role. */
    public CreatedToken create(byte[] body, String caller) {
        TokenRequest request = parse(body);
        List<String> reasons = new ArrayList<>();
        if (request.name() == null || !NAME.matcher(request.name()).matches()) {
            reasons.add("name: " + (request.name() == null ? "required" : "\"" + request.name() + "\" is not")
                    + " a name of lower-case letters, digits and '-', at most 63, starting with a letter or digit");
        }
        Role role = Role.VIEWER;
        if (request.role() != null) {
            try {
                role = Role.of(request.role());
            } catch (IllegalArgumentException e) {
                reasons.add("role: " + e.getMessage());
            }
        }
        int days = request.expiresInDays() == null ? settings.defaultExpiryDays() : request.expiresInDays();
        if (days < 1 || days > settings.maxExpiryDays()) {
            reasons.add("expiresInDays: " + days + " is not between 1 and " + settings.maxExpiryDays()
                    + " (upshift.auth.tokens.max-expiry-days)");
        }
        if (!reasons.isEmpty()) {
            throw RejectedException.invalid("token request", reasons);
        }
        TokenCaller creator = caller(caller).orElseThrow(() -> new RejectedException(403, "forbidden",
                List.of("the caller is no longer a known user")));
        if (role.compareTo(creator.role()) > 0) {
            throw new RejectedException(403, "role above the creator's", List.of("a token cannot have more than its "
                    + "creator's role: " + creator.owner() + " is " + creator.role().id() + ", the token asks for " + role.id()));
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        ApiToken token = new ApiToken(request.name(), role.id(), creator.owner(), now, now.plus(Duration.ofDays(days)), null);
        String secret = newSecret();
        if (!store.insert(token, sha256(secret))) {
            throw new RejectedException(409, "token exists", List.of("a token named \"" + request.name()
                    + "\" exists: revoke it first (DELETE /api/tokens/" + request.name() + ") or choose another name"));
        }
        LOG.info("Token '{}' ({}) created for {} by {}, expires {}", token.name(), token.role(), token.owner(), caller,
                token.expiresAt());
        return new CreatedToken(token.name(), token.role(), token.owner(), token.createdAt(), token.expiresAt(), secret);
    }

    public List<ApiToken> list() {
        return store.list();
    }

    /** Deletes the token: the next call with it, on any replica, is refused. */
    public RevokedToken revoke(String name, String caller) {
        if (name == null || !store.delete(name)) {
            throw new RejectedException(404, "unknown token", List.of("no token named \"" + name + "\""));
        }
        LOG.info("Token '{}' revoked by {}", name, caller);
        return new RevokedToken(name, true);
    }

    /**
     * Who calls with this token: empty for an unknown, revoked or expired token, or one whose owner
     * left the users file. Records the use at most once per the last-used resolution (a write per
     * call would cost more than the check itself).
     */
    public Optional<TokenCaller> authenticate(String secret) {
        if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 128) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return store.findValid(sha256(secret), now).flatMap(token -> {
            Optional<TokenCaller> caller = caller(token);
            if (caller.isPresent() && (token.lastUsedAt() == null
                    || token.lastUsedAt().plus(settings.lastUsedResolution()).isBefore(now))) {
                store.touch(token.name(), now);
            }
            return caller;
        });
    }

    /**
     * The caller behind a name as the access layer hands it to the routes: a user (token null, the
     * role the users file gives), or {@code owner/token} (the token's effective role).
     */
    Optional<TokenCaller> caller(String name) {
        if (name == null) {
            return Optional.empty();
        }
        int separator = name.indexOf(TokenCaller.SEPARATOR);
        if (separator < 0) {
            return users.role(name).map(role -> new TokenCaller(name, null, role));
        }
        return store.find(name.substring(separator + 1))
                .filter(token -> token.owner().equals(name.substring(0, separator)))
                .filter(token -> token.expiresAt().isAfter(clock.instant()))
                .flatMap(this::caller);
    }

    private Optional<TokenCaller> caller(ApiToken token) {
        Role granted = Role.of(token.role());
        return users.role(token.owner()).map(ownerRole ->
                new TokenCaller(token.owner(), token.name(), granted.compareTo(ownerRole) <= 0 ? granted : ownerRole));
    }

    private TokenRequest parse(byte[] body) {
        try {
            TokenRequest request = body == null || body.length == 0 ? null : json.readValue(body, TokenRequest.class);
            if (request == null) {
                throw RejectedException.malformed("token request", List.of("the body must be a JSON object "
                        + "{\"name\", \"role\", \"expiresInDays\"}"));
            }
            return request;
        } catch (JsonProcessingException e) {
            throw RejectedException.malformed("token request", List.of(e.getOriginalMessage()));
        } catch (IOException e) {
            throw RejectedException.malformed("token request", List.of(String.valueOf(e.getMessage())));
        }
    }

    private String newSecret() {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
