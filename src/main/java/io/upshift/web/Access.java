package io.upshift.web;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.upshift.LogText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import io.vertx.ext.auth.authorization.OrAuthorization;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.AuthorizationHandler;
import io.vertx.ext.web.handler.BasicAuthHandler;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CSPHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.sstore.SessionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Login for the whole HTTP server, as Vert.x Web handlers placed in front of every Camel
 * platform-http route (negative route orders run first):
 * <ol>
 * <li>headers on every answer: {@code X-Content-Type-Options: nosniff}, a Content-Security-Policy;</li>
 * <li>cross-site guard: a POST/PUT/PATCH/DELETE sent by another site ({@code Sec-Fetch-Site},
 *     {@code Origin}) is refused (403), and a body must be JSON or YAML (415), so no HTML form of
 *     another site can change anything, with a session or with remembered Basic credentials;</li>
 * <li>anonymous health: {@code /observe/health} and its {@code /live}, {@code /ready} probes answer
 *     status only, on their own worker; details are Camel's answer, behind a login;</li>
 * <li>session (cookie {@code upshift.session}, HttpOnly, SameSite=Strict) for the console, ended
 *     when it passes its absolute lifetime or the user's password changes; API calls with an
 *     Authorization header get none;</li>
 * <li>{@code POST /auth/login} (JSON {@code username}, {@code password}) opens a session;</li>
 * <li>authentication: the session's user, an API token ({@code Authorization: Bearer}, checked
 *     by {@link TokenAuthHandler}: no password hashing), or HTTP Basic checked against the users
 *     file; console pages without a session redirect to the logon page; the probes, the logon
 *     page's own files and the OpenAPI description are open. Each Basic or logon check is a slow hash, so it is admitted by the {@link VerificationGate} (429/503 at once when
 *     the address's or the server's share is in use) and counted by the {@link LoginThrottle}
 *     before it runs, on a worker pool of its own; a pair found right is remembered for a short
 *     while ({@link VerifiedCredentials}), so an API client pays for one hash, not one per call;</li>
 * <li>CSRF (the session's {@link CsrfTokens token}: cookie on reads, header on changes) on POST/PUT/PATCH/DELETE with a
 *     session: cookie {@code XSRF-TOKEN}, header {@code X-XSRF-TOKEN};</li>
 * <li>authorization: GET/HEAD and logging off for viewers and operators, everything else operators
 *     only;</li>
 * <li>{@code /auth/logout}, {@code /auth/me} and the console's static files.</li>
 * </ol>
 * The routes take the caller from the authenticated user platform-http hands them
 * ({@code CamelVertxPlatformHttpAuthenticatedUser}), never from a request header.
 * Refusals are JSON {@code {"error":…}}: 401 (with {@code WWW-Authenticate: Basic} only for
 * non-browser clients, so a browser never remembers Basic credentials), 403, 415, 429, 503.
 */
public class Access {

    private static final Logger LOG = LoggerFactory.getLogger(Access.class);

    public static final String REALM = "upshift";
    public static final String SESSION_COOKIE = "upshift.session";
    public static final String CSRF_COOKIE = "XSRF-TOKEN";
    public static final String CSRF_HEADER = "X-XSRF-TOKEN";
    public static final String LOGIN_PAGE = "/console/login.html";
    public static final String HEALTH = "/observe/health";

    private static final Set<String> PUBLIC = Set.of(LOGIN_PAGE, "/console/login.js", "/console/console.css",
            "/favicon.ico", OpenApiDocument.PATH, OpenApiDocument.VERSION_CONFIG_SCHEMA);
    private static final Map<String, HealthProbe.Kind> PROBES = Map.of(HEALTH, HealthProbe.Kind.ALL,
            HEALTH + "/live", HealthProbe.Kind.LIVENESS, HEALTH + "/ready", HealthProbe.Kind.READINESS);
    private static final Set<HttpMethod> READ_ONLY = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    private static final String CHECK = "upshift.access.check";
    private static final String SESSION_STARTED = "upshift.started";
    private static final String SESSION_CREDENTIAL = "upshift.credential";
    private static final String API_CSP = "default-src 'none'; frame-ancestors 'none'";

    /** Settings of the access layer (application.properties, section Access). */
    public record Settings(boolean secureCookies, Duration sessionTimeout, Duration sessionMaxAge) {
    }

    private final UserFile users;
    private final Passwords passwords;
    private final LoginThrottle throttle;
    private final VerificationGate gate;
    private final VerifiedCredentials verified;
    private final HealthProbe health;
    private final ObjectMapper json;
    private final Replies replies;
    private final Clock clock;
    private final Settings settings;
    private final Handler<RoutingContext> bearer;
    private final Shared shared;
    /** The password checks' pool (set by {@link #install}). */
    private WorkerExecutor checks;
    /** Console sessions' CSRF tokens (set by {@link #install}, with the replicas' shared key). */
    private CsrfTokens csrfTokens;

    /** The password checks' guards: the cap on checks in flight, the attempt counter, the remembered right pairs. */
    public record Guards(VerificationGate gate, LoginThrottle throttle, VerifiedCredentials verified) {
    }

    /** What the replicas share: the console sessions, and the CSRF tokens' key. */
    public record Shared(SessionStore sessions, AccessSecrets secrets) {
    }

    public Access(UserFile users, Passwords passwords, Guards guards, Shared shared, HealthProbe health, ObjectMapper json,
            Clock clock, Settings settings, Handler<RoutingContext> bearer) {
        this.shared = shared;
        this.users = users;
        this.passwords = passwords;
        this.throttle = guards.throttle();
        this.gate = guards.gate();
        this.verified = guards.verified();
        this.health = health;
        this.json = json;
        this.replies = new Replies(json);
        this.clock = clock;
        this.settings = settings;
        this.bearer = bearer;
    }

    /**
     * On first start there is no users file: one operator, admin, with a generated password written
     * to an owner-only file beside it (the log says where, never what).
     */
    public void createFirstUser() {
        if (users.exists()) {
            return;
        }
        String password = Passwords.generate();
        users.put("admin", Role.OPERATOR, passwords.hash(password));
        java.nio.file.Path file = InitialPassword.write(users.path(), password);
        LOG.warn("Created {} with one operator, user 'admin'. Its password is in {} (readable by this user only):"
                + " log on, then delete that file. Add users: java -cp upshift.jar io.upshift.web.Users add NAME ROLE",
                users.path(), file);
    }

    /** Puts the handlers in front of the routes already or later added to the router. */
    public void install(Router router, Vertx vertx) {
        WorkerExecutor hashing = vertx.createSharedWorkerExecutor("upshift-password-checks", gate.capacity());
        checks = hashing;
        WorkerExecutor probes = vertx.createSharedWorkerExecutor("upshift-health-probes", 2);
        UserDirectory directory = new UserDirectory(hashing, users, passwords);
        SessionHandler sessions = SessionHandler.create(shared.sessions().init(vertx, new JsonObject()))
                .setSessionCookieName(SESSION_COOKIE)
                .setCookieHttpOnlyFlag(true)
                .setCookieSameSite(CookieSameSite.STRICT)
                .setCookieSecureFlag(settings.secureCookies())
                .setSessionTimeout(settings.sessionTimeout().toMillis())
                .setLazySession(true);
        csrfTokens = new CsrfTokens(shared.secrets().get("csrf"));
        AuthorizationHandler readers = AuthorizationHandler.create(OrAuthorization.create()
                .addAuthorization(RoleBasedAuthorization.create(Role.VIEWER.id()))
                .addAuthorization(RoleBasedAuthorization.create(Role.OPERATOR.id())))
                .addAuthorizationProvider(directory);
        AuthorizationHandler operators = AuthorizationHandler.create(RoleBasedAuthorization.create(Role.OPERATOR.id()))
                .addAuthorizationProvider(directory);
        StaticHandler console = StaticHandler.create("console").setIndexPage("index.html")
                .setDirectoryListing(false).setCachingEnabled(false);
        CSPHandler csp = CSPHandler.create().addDirective("default-src", "'self'")
                .addDirective("frame-ancestors", "'none'").addDirective("form-action", "'self'");

        int order = -100;
        router.route().order(order++).failureHandler(this::refusal);
        router.route().order(order++).handler(Access::securityHeaders);
        router.route().order(order++).handler(this::crossSiteGuard);
        router.route().order(order++).handler(ctx -> {
            if (hasAuthorizationHeader(ctx)) {
                ctx.next();
            } else {
                sessions.handle(ctx);
            }
        });
        router.route().order(order++).handler(this::sessionGuard);
        router.get().order(order++).handler(ctx -> anonymousHealth(ctx, probes));
        router.post("/auth/login").order(order++).handler(BodyHandler.create().setBodyLimit(8192))
                .handler(ctx -> login(ctx, directory, sessions));
        router.route().order(order++).handler(ctx -> authenticate(ctx, directory));
        router.route().order(order++).handler(ctx -> {
            if (isPublic(ctx) || hasAuthorizationHeader(ctx) || ctx.session() == null) {
                ctx.next();
            } else if (READ_ONLY.contains(ctx.request().method())) {
                giveCsrfToken(ctx);
                ctx.next();
            } else if (!csrfTokens.matches(ctx.session().id(), ctx.request().getHeader(CSRF_HEADER))) {
                ctx.put(CHECK, "csrf");
                ctx.fail(403, new HttpException(403, "missing or wrong CSRF token"));
            } else {
                ctx.next();
            }
        });
        router.route().order(order++).handler(ctx -> {
            if (isPublic(ctx)) {
                ctx.next();
                return;
            }
            ctx.put(CHECK, "role");
            ctx.user().authorizations().clear(directory.getId()); // the role as the file says now
            boolean reading = READ_ONLY.contains(ctx.request().method()) || isLogout(ctx);
            (reading ? readers : operators).handle(ctx);
        });
        router.post("/auth/logout").order(order++).handler(ctx -> {
            LOG.info("User '{}' logged off", LogText.of(ctx.user().subject()));
            ctx.clearUser();
            if (ctx.session() == null) {
                ctx.response().setStatusCode(204).end();
                return;
            }
            // removed from the shared store before the answer: refused on every replica once it arrives
            ctx.session().destroy();
            sessions.flush(ctx).onComplete(removed -> ctx.response().setStatusCode(removed.succeeded() ? 204 : 500).end());
        });
        router.get("/auth/me").order(order++).handler(ctx -> send(ctx, 200, Map.of("name", ctx.user().subject(),
                "role", directory.role(ctx.user()).map(Role::id).orElse(""))));
        router.get("/").order(order++).handler(ctx -> redirect(ctx, "/console/"));
        router.route("/console/*").order(order++).handler(csp).handler(console);
    }

    /** Every answer, also Vert.x's own 404s: no MIME sniffing; no scripts, frames or plugins outside the console. */
    private static void securityHeaders(RoutingContext ctx) {
        ctx.addHeadersEndHandler(v -> {
            ctx.response().headers().set("X-Content-Type-Options", "nosniff");
            if (!ctx.response().headers().contains("Content-Security-Policy")) {
                ctx.response().headers().set("Content-Security-Policy", API_CSP);
            }
        });
        ctx.next();
    }

    private void crossSiteGuard(RoutingContext ctx) {
        if (READ_ONLY.contains(ctx.request().method())) {
            ctx.next();
            return;
        }
        io.vertx.core.net.HostAndPort authority = ctx.request().authority(); // Host, or HTTP/2's :authority
        Optional<String> crossSite = RequestGuards.crossSite(authority == null ? null
                : authority.port() < 0 ? authority.host() : authority.host() + ":" + authority.port(),
                ctx.request().getHeader(HttpHeaders.ORIGIN), ctx.request().getHeader("Sec-Fetch-Site"));
        if (crossSite.isPresent()) {
            LOG.warn("Refused a cross-site {} {} from {}", ctx.request().method(), LogText.of(ctx.normalizedPath()),
                    address(ctx));
            send(ctx, 403, Map.of("error", "cross-site request refused", "reasons", List.of(crossSite.get())));
        } else if (hasBody(ctx) && !RequestGuards.documentType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE))) {
            send(ctx, 415, Map.of("error", "unsupported content type", "reasons",
                    List.of("send the body as application/json or application/yaml")));
        } else {
            ctx.next();
        }
    }

    /** The session's CSRF token as a cookie the console's script reads, unless the request has it already. */
    private void giveCsrfToken(RoutingContext ctx) {
        String token = csrfTokens.of(ctx.session().id());
        io.vertx.core.http.Cookie sent = ctx.request().getCookie(CSRF_COOKIE);
        if (sent == null || !token.equals(sent.getValue())) {
            ctx.response().addCookie(io.vertx.core.http.Cookie.cookie(CSRF_COOKIE, token).setPath("/")
                    .setSecure(settings.secureCookies()).setSameSite(CookieSameSite.STRICT));
        }
    }

    /** A session ends at its absolute lifetime, and when its user's password changed (or the user went). */
    private void sessionGuard(RoutingContext ctx) {
        Session session = ctx.session();
        if (session != null && ctx.user() != null) {
            Long started = session.get(SESSION_STARTED);
            boolean expired = started == null
                    || clock.instant().isAfter(Instant.ofEpochMilli(started).plus(settings.sessionMaxAge()));
            boolean changed = !credential(ctx.user().subject()).equals(session.get(SESSION_CREDENTIAL));
            if (expired || changed) {
                LOG.info("Session of user '{}' ended: {}", LogText.of(ctx.user().subject()),
                        expired ? "past its lifetime" : "the password changed");
                session.destroy();
                ctx.clearUser();
            }
        }
        ctx.next();
    }

    /** Without credentials, the probes answer status only; with them, Camel's answer with details. */
    private void anonymousHealth(RoutingContext ctx, WorkerExecutor probes) {
        HealthProbe.Kind kind = PROBES.get(ctx.normalizedPath());
        if (kind == null || ctx.user() != null || hasAuthorizationHeader(ctx)) {
            ctx.next();
            return;
        }
        probes.executeBlocking(() -> health.up(kind), false).onComplete(up -> {
            boolean ok = up.succeeded() && up.result();
            send(ctx, ok ? 200 : 503, Map.of("status", ok ? "UP" : "DOWN"));
        });
    }

    private void login(RoutingContext ctx, UserDirectory directory, SessionHandler sessions) {
        String name;
        String password;
        try {
            JsonNode body = json.readTree(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
            name = body == null ? null : body.path("username").asText(null);
            password = body == null ? null : body.path("password").asText(null);
        } catch (IOException e) {
            send(ctx, 400, Map.of("error", "malformed login request"));
            return;
        }
        if (name == null || password == null || ctx.session() == null) {
            send(ctx, 400, Map.of("error", "username and password are required"));
            return;
        }
        checked(ctx, name, directory).authenticate(new UsernamePasswordCredentials(name, password))
                .onSuccess(user -> {
                    ctx.session().regenerateId(); // a new id on logon: no session fixation
                    ctx.session().put(SESSION_STARTED, clock.millis());
                    ctx.session().put(SESSION_CREDENTIAL, credential(name));
                    giveCsrfToken(ctx);
                    sessions.setUser(ctx, user).onComplete(stored -> {
                        LOG.info("User '{}' logged on from {}", LogText.of(name), address(ctx));
                        send(ctx, 200, Map.of("name", name,
                                "role", directory.role(user).map(Role::id).orElse("")));
                    });
                })
                .onFailure(e -> {
                    if (!ctx.response().ended()) {
                        send(ctx, 401, Map.of("error", UserDirectory.WRONG_CREDENTIALS));
                    }
                });
    }

    private void authenticate(RoutingContext ctx, UserDirectory directory) {
        if (isPublic(ctx) || ctx.user() != null) {
            ctx.next();
            return;
        }
        String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null && isPage(ctx)) {
            redirect(ctx, LOGIN_PAGE + "?next=" + URLEncoder.encode(ctx.request().uri(), StandardCharsets.UTF_8));
            return;
        }
        if (TokenAuthHandler.isBearer(header)) { // API tokens: their own check, no password hashing
            bearer.handle(ctx);
            return;
        }
        String name = Optional.ofNullable(basicUser(header)).orElse(""); // the one BasicAuthHandler will check
        BasicAuthHandler.create(checked(ctx, name, directory), REALM).handle(ctx);
    }

    /**
     * The users file's check behind the verification cap and the throttle: refused at once (the
     * answer is sent here, and the returned future fails) or counted, then hashed on its own pool;
     * failures logged without the password.
     */
    private AuthenticationProvider checked(RoutingContext ctx, String name, UserDirectory directory) {
        String address = address(ctx);
        return new AuthenticationProvider() {
            @Override
            public Future<User> authenticate(Credentials credentials) {
                UsernamePasswordCredentials given = (UsernamePasswordCredentials) credentials; // Basic and logon
                String password = Optional.ofNullable(given.getPassword()).orElse("");
                String stored = users.find(name).map(UserFile.Entry::password).orElse("");
                Context here = ctx.vertx().getOrCreateContext();
                Future<User> shared = verified.check(name, password, stored, () -> {
                    VerificationGate.Admission admission = gate.enter(address);
                    if (admission instanceof VerificationGate.Refused refused) {
                        return Future.failedFuture(new Refused(refused.reason(), Duration.ZERO));
                    }
                    VerificationGate.Permit permit = (VerificationGate.Permit) admission;
                    return countThenVerify(name, password, address, directory).onComplete(done -> permit.close());
                });
                return onContext(shared, here).recover(e -> {
                    if (e instanceof Refused refused && refused.busy != null) {
                        busy(ctx, refused.busy);
                    } else if (e instanceof Refused refused) {
                        tooMany(ctx, name, address, refused.wait);
                    }
                    return Future.failedFuture(e);
                });
            }

            @Override
            public void authenticate(JsonObject credentials, Handler<AsyncResult<User>> handler) {
                authenticate(new UsernamePasswordCredentials(credentials)).onComplete(handler);
            }
        };
    }

    /**
     * Counts the attempt, then hashes, both on the password checks' pool (the counts are in the
     * shared database): a throttled attempt fails with {@link Refused}, unhashed.
     */
    private Future<User> countThenVerify(String name, String password, String address, UserDirectory directory) {
        return checks.executeBlocking(() -> {
            Duration wait = throttle.attempt(name, address);
            return wait.isZero() ? throttle.count(name, address) : -wait.toMillis();
        }, false).compose(inARow -> {
            if (inARow < 0) {
                return Future.failedFuture(new Refused(null, Duration.ofMillis(-inARow)));
            }
            return directory.authenticate(new UsernamePasswordCredentials(name, password))
                    .onSuccess(user -> checks.executeBlocking(() -> {
                        throttle.succeeded(name, address);
                        return null;
                    }, false))
                    .recover(e -> {
                        LOG.warn("Failed login for user '{}' from {} ({} in a row)", LogText.of(name), address, inARow);
                        // the metrics and the audit trail (JDBC) told before the 401 goes out
                        return checks.executeBlocking(() -> {
                            throttle.rejected(name, address);
                            return null;
                        }, false).transform(told -> Future.failedFuture(e));
                    });
        });
    }

    /**
     * {@code shared}'s outcome on {@code here}, the request's own context: a check shared by
     * requests (or remembered) completes on the context that started it, maybe another event
     * loop, and a request must go on on the loop of its connection.
     */
    private static <T> Future<T> onContext(Future<T> shared, Context here) {
        Promise<T> promise = Promise.promise();
        shared.onComplete(outcome -> here.runOnContext(v -> promise.handle(outcome)));
        return promise.future();
    }

    /** A check refused before hashing: by the cap on checks in flight ({@code busy}) or by the throttle ({@code wait}). */
    private static final class Refused extends RuntimeException {
        private final VerificationGate.Refusal busy;
        private final Duration wait;

        Refused(VerificationGate.Refusal busy, Duration wait) {
            super("refused", null, false, false);
            this.busy = busy;
            this.wait = wait;
        }
    }

    private void busy(RoutingContext ctx, VerificationGate.Refusal refusal) {
        replies.retryLater(ctx, refusal.status(), refusal == VerificationGate.Refusal.ADDRESS_BUSY
                ? "too many logins in progress from this address" : "too many logins in progress", Duration.ofSeconds(1));
    }

    private void tooMany(RoutingContext ctx, String name, String address, Duration wait) {
        LOG.warn("Login for user '{}' from {} refused: too many attempts, next attempt in {} s", LogText.of(name),
                address, Replies.seconds(wait));
        replies.retryLater(ctx, 429, "too many failed logins", wait);
    }

    /** JSON answers for what the handlers above refuse; anything else goes on to Vert.x's defaults. */
    private void refusal(RoutingContext ctx) {
        int status = ctx.statusCode();
        if (ctx.response().ended()) {
            return; // answered already (a refusal from the gate or the throttle)
        }
        if (status != 401 && status != 403 && status != 429) {
            ctx.next();
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        if (status == 401) {
            if (isBrowser(ctx)) { // a browser must never be asked for (and then remember) Basic credentials
                ctx.response().headers().remove("WWW-Authenticate");
            }
            body.put("error", hasAuthorizationHeader(ctx) ? UserDirectory.WRONG_CREDENTIALS : "authentication required");
        } else if (status == 403 && "csrf".equals(ctx.get(CHECK))) {
            body.put("error", "missing or invalid CSRF token: reload the page and try again");
        } else if (status == 403) {
            body.put("error", "forbidden");
            body.put("reasons", List.of(ctx.request().method() + " " + LogText.of(ctx.normalizedPath())
                    + " needs the operator role"));
        } else {
            body.put("error", "too many requests");
        }
        send(ctx, status, body);
    }

    private void send(RoutingContext ctx, int status, Map<String, ?> body) {
        replies.send(ctx, status, body);
    }

    /** What a session remembers of the password it was opened with: a digest of the stored hash. */
    private String credential(String name) {
        return Passwords.digest(users.find(name).map(UserFile.Entry::password).orElse(""));
    }

    private static void redirect(RoutingContext ctx, String location) {
        ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, location).end();
    }

    private static boolean isPublic(RoutingContext ctx) {
        return READ_ONLY.contains(ctx.request().method()) && PUBLIC.contains(ctx.normalizedPath());
    }

    private static boolean isLogout(RoutingContext ctx) {
        return ctx.request().method() == HttpMethod.POST && "/auth/logout".equals(ctx.normalizedPath());
    }

    /** A console page or the root, asked for by a browser: send it to the logon page rather than a 401. */
    private static boolean isPage(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        return ctx.request().method() == HttpMethod.GET
                && (path.equals("/") || path.equals("/console") || path.startsWith("/console/"));
    }

    /** Browsers say so: the console's fetches, any Fetch Metadata, or a navigation asking for HTML. */
    private static boolean isBrowser(RoutingContext ctx) {
        String accept = ctx.request().getHeader(HttpHeaders.ACCEPT);
        return ctx.request().getHeader("X-Requested-With") != null || ctx.request().getHeader("Sec-Fetch-Mode") != null
                || (accept != null && accept.contains("text/html"));
    }

    private static boolean hasBody(RoutingContext ctx) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        return ctx.request().getHeader(HttpHeaders.TRANSFER_ENCODING) != null
                || (length != null && !length.trim().equals("0"));
    }

    private static boolean hasAuthorizationHeader(RoutingContext ctx) {
        return ctx.request().headers().contains(HttpHeaders.AUTHORIZATION);
    }

    private static String address(RoutingContext ctx) {
        return ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
    }

    /** The user name of a Basic Authorization header, for throttling and logs; null if there is none. */
    static String basicUser(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
