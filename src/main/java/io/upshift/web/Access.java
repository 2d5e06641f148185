package io.upshift.web;

import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
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
import io.vertx.ext.web.handler.AuthorizationHandler;
import io.vertx.ext.web.handler.BasicAuthHandler;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CSPHandler;
import io.vertx.ext.web.handler.CSRFHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.sstore.LocalSessionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Login for the whole HTTP server, as Vert.x Web handlers placed in front of every Camel
 * platform-http route (negative route orders run first):
 * <ol>
 * <li>session (cookie {@code upshift.session}, HttpOnly, SameSite=Strict) for the console; API
 *     calls with an Authorization header get none;</li>
 * <li>{@code POST /auth/login} (JSON or form {@code username}, {@code password}) opens a session;</li>
 * <li>authentication: the session's user, HTTP Basic checked against the users file, or an API
 *     token ({@code Authorization: Bearer}, checked by {@link TokenAuthHandler}); console
 *     pages without a session redirect to the logon page; {@code /observe/health}, its probes
 *     ({@code /live}, {@code /ready}) and the logon
 *     page's own files are open;</li>
 * <li>CSRF (double-submit token, Vert.x {@link CSRFHandler}) on POST/PUT/PATCH/DELETE with a
 *     session: cookie {@code XSRF-TOKEN}, header {@code X-XSRF-TOKEN};</li>
 * <li>authorization: GET/HEAD for viewers and operators, everything else operators only;</li>
 * <li>the user's name into request header {@code UpshiftUser} (a client's own is dropped);</li>
 * <li>{@code /auth/logout}, {@code /auth/me} and the console's static files.</li>
 * </ol>
 * Refusals are JSON {@code {"error":…}}: 401 (with {@code WWW-Authenticate: Basic} unless the
 * caller is the console, which sends {@code X-Requested-With: XMLHttpRequest}), 403, 429.
 */
public class Access {

    private static final Logger LOG = LoggerFactory.getLogger(Access.class);

    public static final String REALM = "upshift";
    public static final String SESSION_COOKIE = "upshift.session";
    public static final String CSRF_COOKIE = CSRFHandler.DEFAULT_COOKIE_NAME;
    public static final String CSRF_HEADER = CSRFHandler.DEFAULT_HEADER_NAME;
    /** The authenticated user's name, as a header for the Camel routes (e.g. who stopped an upgrade). */
    public static final String USER_HEADER = "UpshiftUser";
    public static final String LOGIN_PAGE = "/console/login.html";

    private static final Set<String> PUBLIC = Set.of("/observe/health", "/observe/health/live",
            "/observe/health/ready", LOGIN_PAGE, "/console/login.js",
            "/console/console.css", "/favicon.ico", OpenApiDocument.PATH, OpenApiDocument.VERSION_CONFIG_SCHEMA);
    private static final Set<HttpMethod> READ_ONLY = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    private static final String CHECK = "upshift.access.check";

    /** Settings of the access layer (application.properties, section Access). */
    public record Settings(boolean secureCookies, Duration sessionTimeout) {
    }

    private final UserFile users;
    private final Passwords passwords;
    private final LoginThrottle throttle;
    private final ObjectMapper json;
    private final Settings settings;
    private final Handler<RoutingContext> bearer;

    public Access(UserFile users, Passwords passwords, LoginThrottle throttle, ObjectMapper json, Settings settings,
            Handler<RoutingContext> bearer) {
        this.users = users;
        this.passwords = passwords;
        this.throttle = throttle;
        this.json = json;
        this.settings = settings;
        this.bearer = bearer;
    }

    /** On first start there is no users file: one operator, admin, with a generated password shown once. */
    public void createFirstUser() {
        if (users.exists()) {
            return;
        }
        String password = Passwords.generate();
        users.put("admin", Role.OPERATOR, passwords.hash(password));
        LOG.warn("Created {} with one operator, user 'admin'. Its password is shown only this once: {}"
                + "  (add users: java -cp upshift.jar io.upshift.web.Users add NAME ROLE)", users.path(), password);
    }

    /** Puts the handlers in front of the routes already or later added to the router. */
    public void install(Router router, Vertx vertx) {
        UserDirectory directory = new UserDirectory(vertx, users, passwords);
        SessionHandler sessions = SessionHandler.create(LocalSessionStore.create(vertx))
                .setSessionCookieName(SESSION_COOKIE)
                .setCookieHttpOnlyFlag(true)
                .setCookieSameSite(CookieSameSite.STRICT)
                .setCookieSecureFlag(settings.secureCookies())
                .setSessionTimeout(settings.sessionTimeout().toMillis())
                .setLazySession(true);
        CSRFHandler csrf = CSRFHandler.create(vertx, Passwords.generate() + Passwords.generate())
                .setCookieSecure(settings.secureCookies())
                .setTimeout(settings.sessionTimeout().toMillis());
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
        router.route().order(order++).handler(ctx -> {
            ctx.request().headers().remove(USER_HEADER); // only this layer says who is calling
            if (hasAuthorizationHeader(ctx)) {
                ctx.next();
            } else {
                sessions.handle(ctx);
            }
        });
        router.post("/auth/login").order(order++).handler(BodyHandler.create().setBodyLimit(8192))
                .handler(ctx -> login(ctx, directory, sessions));
        router.route().order(order++).handler(ctx -> authenticate(ctx, directory));
        router.route().order(order++).handler(ctx -> {
            if (isPublic(ctx) || hasAuthorizationHeader(ctx) || ctx.session() == null) {
                ctx.next();
            } else if (!READ_ONLY.contains(ctx.request().method()) && ctx.request().getHeader(CSRF_HEADER) == null) {
                ctx.put(CHECK, "csrf");
                ctx.fail(403, new HttpException(403, "missing CSRF token"));
            } else {
                ctx.put(CHECK, "csrf");
                csrf.handle(ctx);
            }
        });
        router.route().order(order++).handler(ctx -> {
            if (isPublic(ctx)) {
                ctx.next();
                return;
            }
            ctx.put(CHECK, "role");
            ctx.user().authorizations().clear(directory.getId()); // the role as the file says now
            (READ_ONLY.contains(ctx.request().method()) ? readers : operators).handle(ctx);
        });
        router.route().order(order++).handler(ctx -> {
            if (ctx.user() != null) {
                ctx.request().headers().set(USER_HEADER, ctx.user().subject());
            }
            ctx.next();
        });
        router.post("/auth/logout").order(order++).handler(ctx -> {
            LOG.info("User '{}' logged off", ctx.user().subject());
            if (ctx.session() != null) {
                ctx.session().destroy();
            }
            ctx.clearUser();
            ctx.response().setStatusCode(204).end();
        });
        router.get("/auth/me").order(order++).handler(ctx -> send(ctx, 200, Map.of("name", ctx.user().subject(),
                "role", directory.role(ctx.user()).map(Role::id).orElse(""))));
        router.get("/").order(order++).handler(ctx -> redirect(ctx, "/console/"));
        router.route("/console/*").order(order++).handler(csp).handler(console);
    }

    private void login(RoutingContext ctx, UserDirectory directory, SessionHandler sessions) {
        String name;
        String password;
        try {
            JsonNode body = ctx.body().length() > 0 && isJson(ctx) ? json.readTree(ctx.body().buffer().getBytes()) : null;
            name = body != null ? body.path("username").asText(null) : ctx.request().getFormAttribute("username");
            password = body != null ? body.path("password").asText(null) : ctx.request().getFormAttribute("password");
        } catch (java.io.IOException e) {
            send(ctx, 400, Map.of("error", "malformed login request"));
            return;
        }
        if (name == null || password == null || ctx.session() == null) {
            send(ctx, 400, Map.of("error", "username and password are required"));
            return;
        }
        String address = address(ctx);
        Duration wait = throttle.waitFor(name, address);
        if (!wait.isZero()) {
            tooMany(ctx, name, address, wait);
            return;
        }
        audited(directory, name, address).authenticate(new UsernamePasswordCredentials(name, password))
                .onSuccess(user -> {
                    ctx.session().regenerateId(); // a new id on logon: no session fixation
                    sessions.setUser(ctx, user).onComplete(stored -> {
                        LOG.info("User '{}' logged on from {}", printable(name), address);
                        send(ctx, 200, Map.of("name", name,
                                "role", directory.role(user).map(Role::id).orElse("")));
                    });
                })
                .onFailure(e -> send(ctx, 401, Map.of("error", UserDirectory.WRONG_CREDENTIALS)));
    }

    private void authenticate(RoutingContext ctx, UserDirectory directory) {
        if (isPublic(ctx) || ctx.user() != null) {
            ctx.next();
            return;
        }
        String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null && isPage(ctx)) {
            redirect(ctx, LOGIN_PAGE + "?next=" + java.net.URLEncoder.encode(ctx.request().uri(),
                    java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        if (TokenAuthHandler.isBearer(header)) { // API tokens: their own check, no password hashing
            bearer.handle(ctx);
            return;
        }
        String name = basicUser(header);
        String address = address(ctx);
        if (name != null) {
            Duration wait = throttle.waitFor(name, address);
            if (!wait.isZero()) {
                tooMany(ctx, name, address, wait);
                return;
            }
        }
        BasicAuthHandler.create(audited(directory, name, address), REALM).handle(ctx);
    }

    /** The users file's check, with failures counted for throttling and logged without the password. */
    private AuthenticationProvider audited(UserDirectory directory, String name, String address) {
        return new AuthenticationProvider() {
            @Override
            public Future<User> authenticate(Credentials credentials) {
                return directory.authenticate(credentials)
                        .onSuccess(user -> throttle.succeeded(name))
                        .onFailure(e -> {
                            int failures = throttle.failed(name, address);
                            LOG.warn("Failed login for user '{}' from {} ({} in a row)", printable(name), address, failures);
                        });
            }

            @Override
            public void authenticate(JsonObject credentials, Handler<AsyncResult<User>> handler) {
                authenticate(new UsernamePasswordCredentials(credentials)).onComplete(handler);
            }
        };
    }

    private void tooMany(RoutingContext ctx, String name, String address, Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        LOG.warn("Login for user '{}' from {} refused: too many failures, next attempt in {} s", printable(name),
                address, seconds);
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(seconds));
        send(ctx, 429, Map.of("error", "too many failed logins", "retryAfterSeconds", seconds));
    }

    /** JSON answers for what the handlers above refuse; anything else goes on to Vert.x's defaults. */
    private void refusal(RoutingContext ctx) {
        int status = ctx.statusCode();
        if (ctx.response().ended() || (status != 401 && status != 403 && status != 429)) {
            ctx.next();
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        if (status == 401) {
            body.put("error", hasAuthorizationHeader(ctx) ? UserDirectory.WRONG_CREDENTIALS : "authentication required");
        } else if (status == 403 && "csrf".equals(ctx.get(CHECK))) {
            body.put("error", "missing or invalid CSRF token: reload the page and try again");
        } else if (status == 403) {
            body.put("error", "forbidden");
            body.put("reasons", java.util.List.of(ctx.request().method() + " " + ctx.normalizedPath()
                    + " needs the operator role"));
        } else {
            body.put("error", "too many requests");
        }
        send(ctx, status, body);
    }

    private void send(RoutingContext ctx, int status, Map<String, ?> body) {
        try {
            ctx.response().setStatusCode(status)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                    .end(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }

    private static void redirect(RoutingContext ctx, String location) {
        ctx.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, location).end();
    }

    private static boolean isPublic(RoutingContext ctx) {
        return READ_ONLY.contains(ctx.request().method()) && PUBLIC.contains(ctx.normalizedPath());
    }

    /** A console page or the root, asked for by a browser: send it to the logon page rather than a 401. */
    private static boolean isPage(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        return ctx.request().method() == HttpMethod.GET
                && (path.equals("/") || path.equals("/console") || path.startsWith("/console/"));
    }

    private static boolean isJson(RoutingContext ctx) {
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json");
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
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()),
                    java.nio.charset.StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** User names come from the client: no line breaks or control characters into the log. */
    private static String printable(String name) {
        if (name == null) {
            return "";
        }
        String cleaned = name.replaceAll("\\p{Cntrl}", "?");
        return cleaned.length() > 64 ? cleaned.substring(0, 64) + "…" : cleaned;
    }
}
