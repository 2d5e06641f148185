package io.upshift.web;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * Which headers cross the HTTP boundary (platform-http's header filter strategy).
 * <p>Inbound, platform-http copies request headers <em>and query parameters</em> into message
 * headers. Dropped there: every {@code Upshift*} and {@code Camel*} name (internal: only routes
 * set them; the caller is the authenticated user platform-http adds after this filter), credentials
 * ({@code Authorization}, {@code Cookie}, the CSRF token: checked by the access layer, then of no
 * use to a route and a risk in any log), names a route sends back as a response header (so
 * {@code ?Set-Cookie=…} or {@code ?Location=…} cannot come back), and the names of the path
 * parameters <em>of the route being served</em> ({@code ?id=…} on {@code /api/upgrades/{id}} would
 * make a list with the path's own value). Other routes keep a query parameter of the same name
 * ({@code ?action=} on {@code /api/audit} is a filter, not the path's {@code {action}}).
 * <p>Outbound, only response headers leave, and only those a route set.
 */
public class HttpHeaderPolicy implements HeaderFilterStrategy {

    private static final Set<String> RESPONSE = Set.of("content-type", "location", "cache-control", "set-cookie",
            "www-authenticate", "retry-after", "content-disposition", "x-content-type-options", "idempotency-key",
            "x-upshift-log-lines");
    /** Response headers a client legitimately sends on a request too (the body's type, its retry key). */
    private static final Set<String> ALSO_REQUEST = Set.of("content-type", "idempotency-key");
    private static final Set<String> CREDENTIALS = Set.of("authorization", "proxy-authorization", "cookie",
            "x-xsrf-token");
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^/}]+)}");

    private final HeaderFilterStrategy standard = new HttpHeaderFilterStrategy();
    /** Path template → its parameters' names (lower case): one entry per HTTP route, computed once. */
    private final Map<String, Set<String>> pathParameters = new ConcurrentHashMap<>();

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !RESPONSE.contains(headerName.toLowerCase(Locale.ROOT));
    }

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        String name = headerName.toLowerCase(Locale.ROOT);
        return name.startsWith("upshift") || name.startsWith("camel") || name.startsWith("org.apache.camel")
                || CREDENTIALS.contains(name) || pathParameters(exchange).contains(name)
                || (RESPONSE.contains(name) && !ALSO_REQUEST.contains(name))
                || standard.applyFilterToExternalHeaders(headerName, headerValue, exchange);
    }

    /**
     * The path parameters of the route that consumes {@code exchange}: those of its platform-http
     * endpoint's path template. The template is the server's, never the client's.
     */
    Set<String> pathParameters(Exchange exchange) {
        Endpoint from = exchange == null ? null : exchange.getFromEndpoint();
        if (!(from instanceof PlatformHttpEndpoint endpoint) || endpoint.getPath() == null) {
            return Set.of();
        }
        return pathParameters.computeIfAbsent(endpoint.getPath(), HttpHeaderPolicy::parameters);
    }

    static Set<String> parameters(String pathTemplate) {
        Set<String> names = new java.util.HashSet<>();
        Matcher m = PATH_PARAMETER.matcher(pathTemplate);
        while (m.find()) {
            names.add(m.group(1).toLowerCase(Locale.ROOT));
        }
        return Set.copyOf(names);
    }
}
