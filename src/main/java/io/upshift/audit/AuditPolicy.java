package io.upshift.audit;

import java.util.Locale;
import java.util.Map;

import io.upshift.RejectedException;
import io.upshift.intake.ErrorBodies;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail's one hook: a route policy on every REST route that changes state (any verb but
 * GET) and on the inbox route (a dropped file's caller is the account that owns it, from address
 * {@code inbox}), which appends a row when the call is done: the caller as the access layer authenticated it
 * (Vert.x's user and the connection's address, typed objects a client cannot forge through headers
 * or query parameters), the action (from the route id), the object (the path's id, version or name)
 * and the outcome (ACCEPTED, or the refusal's code). A failure to write the row is logged; it never
 * changes the call's answer.
 */
public class AuditPolicy implements RoutePolicyFactory {

    private static final Logger LOG = LoggerFactory.getLogger(AuditPolicy.class);
    private static final String USER = "CamelVertxPlatformHttpAuthenticatedUser";
    private static final String ADDRESS = "CamelVertxPlatformHttpRemoteAddress";
    private static final String CALLER = "UpshiftAuditCaller";
    /** What each REST operation is called in the trail; others: the route id without {@code api-}. */
    private static final Map<String, String> ACTIONS = Map.of(
            "api-upload-version", "version.import",
            "api-post-upgrade", "upgrade.request",
            "api-create-schedule", "schedule.create",
            "api-delete-schedule", "schedule.delete",
            "api-create-token", "token.create",
            "api-revoke-token", "token.revoke",
            // REST operations declared beside their route run as that route (route id without api-)
            "create-token", "token.create",
            "revoke-token", "token.revoke");
    /** The inbox route, and what each kind of file dropped into it does. */
    private static final String INBOX = "intake-inbox";
    private static final Map<String, String> INBOX_ACTIONS = Map.of(
            "UpgradeRequest", "upgrade.request",
            "UpgradeSchedule", "schedule.create");

    private final java.util.function.Supplier<AuditLog> log;

    /** {@code log} is looked up at the first row: the policies are made before the database's beans. */
    public AuditPolicy(java.util.function.Supplier<AuditLog> log) {
        this.log = log;
    }

    private record Caller(String user, String role, String address) {
    }

    @Override
    public RoutePolicy createRoutePolicy(org.apache.camel.CamelContext camel, String routeId, NamedNode node) {
        if (!(node instanceof RouteDefinition route) || route.getInput() == null) {
            return null;
        }
        return new Policy(routeId);
    }

    /** A failed login (password or API token): no role, the name as given. */
    public void failedLogin(String user, String address) {
        write(user, null, address, "login", null, "UNAUTHORIZED", 401);
    }

    private final class Policy extends RoutePolicySupport {

        private final String routeId;
        private final String action;

        Policy(String routeId) {
            this.routeId = routeId;
            this.action = ACTIONS.getOrDefault(routeId, routeId.replaceFirst("^api-", ""));
        }

        @Override
        public void onExchangeBegin(Route route, Exchange exchange) {
            if (!changesState(route)) {
                return;
            }
            if (INBOX.equals(routeId)) { // the caller of a dropped file: the account that owns it
                exchange.setProperty(CALLER, new Caller(owner(exchange.getMessage().getHeader(Exchange.FILE_PATH, String.class)),
                        null, "inbox"));
                return;
            }
            // read now: routes may remove headers
            Object user = exchange.getMessage().getHeader(USER);
            Object address = exchange.getMessage().getHeader(ADDRESS);
            exchange.setProperty(CALLER, new Caller(user instanceof User u ? u.subject() : null, role(user),
                    address instanceof SocketAddress a ? a.hostAddress() : null));
        }

        @Override
        public void onExchangeDone(Route route, Exchange exchange) {
            Caller caller = exchange.getProperty(CALLER, Caller.class);
            if (caller == null || !changesState(route) || !routeId.equals(exchange.getFromRouteId()) || Boolean.parseBoolean(String.valueOf(exchange.getMessage().getHeader("dryRun")))) {
                return; // a dry run changes nothing
            }
            Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            Throwable failure = exchange.getException() != null ? exchange.getException()
                    : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            RejectedException refusal = failure == null ? null : ErrorBodies.rejection(failure);
            String outcome = refusal != null ? refusal.code().name()
                    : failure != null || (status != null && status >= 400) ? "ERROR" : AuditEntry.ACCEPTED;
            String what = !INBOX.equals(routeId) ? action
                    : INBOX_ACTIONS.getOrDefault(exchange.getMessage().getHeader("UpshiftKind", String.class), "version.import");
            if ("upgrade-action".equals(action) || "api-upgrade-action".equals(route.getRouteId())) {
                what = "upgrade." + String.valueOf(exchange.getMessage().getHeader("action")).toLowerCase(Locale.ROOT);
            } else if ("version.import".equals(action) && Integer.valueOf(200).equals(status)) {
                what = "version.overwrite";
            }
            String object = object(exchange);
            if (INBOX.equals(routeId) && failure == null
                    && exchange.getMessage().getBody() instanceof io.upshift.version.ImportResult imported) {
                object = imported.version();
                what = io.upshift.version.ImportResult.OVERWRITTEN.equals(imported.action()) ? "version.overwrite" : what;
            } else if (object == null && INBOX.equals(routeId)) {
                object = exchange.getMessage().getHeader(Exchange.FILE_NAME, String.class);
            }
            write(caller.user(), caller.role(), caller.address(), what, object, outcome,
                    status == null ? (failure == null ? 200 : 500) : status);
        }
    }

    private void write(String user, String role, String address, String action, String object, String outcome,
            Integer status) {
        try {
            log.get().append(user, role, address, action, object, outcome, status);
        } catch (RuntimeException e) {
            LOG.error("Could not write the audit row of {} by {}: {}", action, user, e.getMessage());
        }
    }

    /** The path's object (id, version, name), else the one the answer's Location names (a new upgrade). */
    private static String object(Exchange exchange) {
        for (String param : new String[] {"id", "version", "name"}) {
            Object value = exchange.getMessage().getHeader(param);
            if (value instanceof String s && !s.isBlank()) {
                return s;
            }
        }
        Object location = exchange.getMessage().getHeader("Location");
        if (location instanceof String l && l.contains("/")) {
            return l.substring(l.lastIndexOf('/') + 1);
        }
        return null;
    }

    /**
     * A REST operation that is not a read: its consumer is {@code rest://<verb>:<path>} (asked of the
     * running route: REST operations declared beside their route are folded into it at start).
     */
    private static boolean changesState(Route route) {
        if (INBOX.equals(route.getRouteId())) {
            return true;
        }
        String uri = route.getEndpoint().getEndpointUri().toLowerCase(Locale.ROOT);
        return uri.startsWith("rest:") && !uri.startsWith("rest://get:") && !uri.startsWith("rest://head:")
                && !uri.startsWith("rest://options:");
    }

    private static String owner(String file) {
        try {
            return file == null ? null : java.nio.file.Files.getOwner(java.nio.file.Path.of(file)).getName();
        } catch (java.io.IOException | UnsupportedOperationException | java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    private static String role(Object user) {
        if (!(user instanceof User u)) {
            return null;
        }
        for (String provider : u.authorizations().getProviderIds()) {
            for (var authorization : u.authorizations().get(provider)) {
                if (authorization instanceof RoleBasedAuthorization r) {
                    return r.getRole();
                }
            }
        }
        return null;
    }
}
