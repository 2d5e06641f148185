package io.upshift.config;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.upshift.audit.AuditPolicy;
import io.upshift.kubernetes.Durations;
import io.upshift.metrics.UpgradeMetrics;
import io.upshift.store.Jdbc;
import io.upshift.web.Access;
import io.upshift.web.AccessSecrets;
import io.upshift.web.HealthProbe;
import io.upshift.web.HttpServerInstances;
import io.upshift.web.JdbcAttemptStore;
import io.upshift.web.JdbcSessionStore;
import io.upshift.web.LoginThrottle;
import io.upshift.web.Passwords;
import io.upshift.web.TokenAuthHandler;
import io.upshift.web.TokenStore;
import io.upshift.web.Tokens;
import io.upshift.web.UserFile;
import io.upshift.web.VerificationGate;
import io.upshift.web.VerifiedCredentials;
import io.vertx.ext.web.sstore.SessionStore;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * Login for the HTTP server: the users file, password hashing, login throttling, and the Vert.x
 * handlers that {@link Access} puts in front of every platform-http route once the server is up
 * (before any route's consumer starts taking requests).
 */
@Configuration
public class AccessConfiguration implements CamelConfiguration {

    @BindToRegistry(value = "userFile", lazy = true)
    public UserFile userFile(@PropertyInject("upshift.auth.users-file") String file,
            @BeanInject("yamlMapper") ObjectMapper yaml) {
        return new UserFile(Path.of(file), yaml);
    }

    @BindToRegistry(value = "passwords", lazy = true)
    public Passwords passwords(@PropertyInject("upshift.auth.hash-iterations") int iterations) {
        return new Passwords(iterations);
    }

    @BindToRegistry(value = "loginThrottle", lazy = true)
    public LoginThrottle loginThrottle(@BeanInject("clock") Clock clock, @BeanInject("jdbc") Jdbc jdbc,
            @PropertyInject("upshift.auth.throttle.free-attempts") int freeAttempts,
            @PropertyInject("upshift.auth.throttle.address-free-attempts") int addressFreeAttempts,
            @PropertyInject("upshift.auth.throttle.base-delay") long baseDelayMillis,
            @PropertyInject("upshift.auth.throttle.max-delay") long maxDelayMillis,
            @PropertyInject("upshift.auth.purge-interval") String purgeInterval,
            @BeanInject("upgradeMetrics") UpgradeMetrics metrics, @BeanInject("auditPolicy") AuditPolicy audit) {
        Duration maxDelay = Duration.ofMillis(maxDelayMillis);
        return new LoginThrottle(clock, new LoginThrottle.Limits(freeAttempts, addressFreeAttempts,
                Duration.ofMillis(baseDelayMillis), maxDelay),
                new JdbcAttemptStore(jdbc, clock, maxDelay, Durations.parse(purgeInterval)), (user, address) -> {
                    metrics.failedLogin();
                    audit.failedLogin(user, address);
                });
    }

    /** Console sessions in the shared database, so any replica serves them. */
    @BindToRegistry(value = "sessionStore", lazy = true)
    public SessionStore sessionStore(@BeanInject("jdbc") Jdbc jdbc, @BeanInject("clock") Clock clock,
            @PropertyInject("upshift.auth.purge-interval") String purgeInterval) {
        return new JdbcSessionStore(jdbc, clock, Durations.parse(purgeInterval));
    }

    @BindToRegistry(value = "verificationGate", lazy = true)
    public VerificationGate verificationGate(
            @PropertyInject("upshift.auth.verify.max-in-flight-per-address") int perAddress,
            @PropertyInject("upshift.auth.verify.max-in-flight") int total) {
        return new VerificationGate(perAddress, total);
    }

    @BindToRegistry(value = "verifiedCredentials", lazy = true)
    public VerifiedCredentials verifiedCredentials(@BeanInject("clock") Clock clock,
            @PropertyInject("upshift.auth.verified-ttl") String ttl) {
        return new VerifiedCredentials(clock, Durations.parse(ttl));
    }

    /** API tokens (POST/GET/DELETE /api/tokens, routes/api-tokens.camel.yaml) in the application's database. */
    @BindToRegistry(value = "tokens", lazy = true)
    public Tokens tokens(@BeanInject("jdbc") Jdbc jdbc, @BeanInject("userFile") UserFile users,
            @BeanInject("jsonMapper") ObjectMapper json, @BeanInject("clock") Clock clock,
            @PropertyInject("upshift.auth.tokens.default-expiry-days") int defaultExpiryDays,
            @PropertyInject("upshift.auth.tokens.max-expiry-days") int maxExpiryDays,
            @PropertyInject("upshift.auth.tokens.last-used-resolution") String lastUsedResolution) {
        return new Tokens(new TokenStore(jdbc), users, json, clock,
                new Tokens.Settings(defaultExpiryDays, maxExpiryDays, Durations.parse(lastUsedResolution)));
    }

    @BindToRegistry(value = "access", lazy = true)
    public Access access(@BeanInject("userFile") UserFile users, @BeanInject("passwords") Passwords passwords,
            @BeanInject("loginThrottle") LoginThrottle throttle, @BeanInject("verificationGate") VerificationGate gate,
            @BeanInject("verifiedCredentials") VerifiedCredentials verified, @BeanInject("tokens") Tokens tokens,
            @BeanInject("sessionStore") SessionStore sessions, @BeanInject("jdbc") Jdbc jdbc,
            @BeanInject("healthProbe") HealthProbe health, @BeanInject("jsonMapper") ObjectMapper json,
            @BeanInject("clock") Clock clock,
            @PropertyInject("upshift.auth.secure-cookies") boolean secureCookies,
            @PropertyInject("upshift.auth.session-timeout") long sessionTimeoutMinutes,
            @PropertyInject("upshift.auth.session-max-age") String sessionMaxAge) {
        return new Access(users, passwords, new Access.Guards(gate, throttle, verified),
                new Access.Shared(sessions, new AccessSecrets(jdbc)), health, json, clock,
                new Access.Settings(secureCookies, Duration.ofMinutes(sessionTimeoutMinutes), Durations.parse(sessionMaxAge)),
                new TokenAuthHandler(tokens, throttle, json));
    }

    /** More event loops for the HTTP port than platform-http's one (see {@link HttpServerInstances}). */
    private static void addServerInstances(CamelContext context, MainHttpServer server, VertxPlatformHttpRouter router) {
        int instances = Integer.parseInt(context.resolvePropertyPlaceholders("{{upshift.http.server-instances}}"));
        if (server.getSslContextParameters() != null || server.isUseGlobalSslContextParameters()) {
            return; // the extra servers speak plain HTTP only: with TLS, platform-http's one server serves alone
        }
        try {
            HttpServerInstances.add(router.vertx(), router, server.getHost(), router.getServer().getPort(), instances - 1);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the extra HTTP server instances", e);
        }
    }

    /**
     * The HTTP server is up when the routes are about to start (not yet when the startup
     * listeners run), and no route consumer takes requests before this: install then.
     */
    @Override
    public void configure(CamelContext camel) throws Exception {
        camel.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.CamelContextRoutesStartingEvent;
            }

            @Override
            public void notify(CamelEvent event) {
                CamelContext context = ((CamelEvent.CamelContextEvent) event).getContext();
                Access access = context.getRegistry().lookupByNameAndType("access", Access.class);
                access.createFirstUser();
                MainHttpServer server = context.hasService(MainHttpServer.class);
                if (server == null || server.getRouter() == null) {
                    throw new IllegalStateException("no HTTP server to protect: camel.server.enabled must be true");
                }
                VertxPlatformHttpRouter router = server.getRouter();
                access.install(router, router.vertx());
                addServerInstances(context, server, router);
                // /observe/* on its own port (camel.management.port) needs the same login
                ManagementHttpServer management = context.hasService(ManagementHttpServer.class);
                if (management != null && management.getRouter() != null && management.getPort() != server.getPort()) {
                    access.install(management.getRouter(), management.getRouter().vertx());
                }
            }
        });
    }
}
