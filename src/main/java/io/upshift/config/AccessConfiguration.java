package io.upshift.config;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.upshift.kubernetes.Durations;
import io.upshift.store.Jdbc;
import io.upshift.web.Access;
import io.upshift.web.LoginThrottle;
import io.upshift.web.Passwords;
import io.upshift.web.TokenAuthHandler;
import io.upshift.web.TokenStore;
import io.upshift.web.Tokens;
import io.upshift.web.UserFile;
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
    public LoginThrottle loginThrottle(@BeanInject("clock") Clock clock,
            @PropertyInject("upshift.auth.throttle.free-attempts") int freeAttempts,
            @PropertyInject("upshift.auth.throttle.base-delay") long baseDelayMillis,
            @PropertyInject("upshift.auth.throttle.max-delay") long maxDelayMillis) {
        return new LoginThrottle(clock, freeAttempts, Duration.ofMillis(baseDelayMillis), Duration.ofMillis(maxDelayMillis));
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
            @BeanInject("loginThrottle") LoginThrottle throttle, @BeanInject("jsonMapper") ObjectMapper json,
            @BeanInject("tokens") Tokens tokens,
            @PropertyInject("upshift.auth.secure-cookies") boolean secureCookies,
            @PropertyInject("upshift.auth.session-timeout") long sessionTimeoutMinutes) {
        return new Access(users, passwords, throttle, json,
                new Access.Settings(secureCookies, Duration.ofMinutes(sessionTimeoutMinutes)),
                new TokenAuthHandler(tokens, throttle, json));
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
                // /observe/* on its own port (camel.management.port) needs the same login
                ManagementHttpServer management = context.hasService(ManagementHttpServer.class);
                if (management != null && management.getRouter() != null && management.getPort() != server.getPort()) {
                    access.install(management.getRouter(), management.getRouter().vertx());
                }
            }
        });
    }
}
