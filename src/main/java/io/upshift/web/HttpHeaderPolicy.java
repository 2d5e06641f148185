package io.upshift.web;

import java.util.Locale;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * Which headers cross the HTTP boundary (platform-http's header filter strategy).
 * <p>Inbound, platform-http copies request headers <em>and query parameters</em> into message
 * headers. Dropped there: every {@code Upshift*} and {@code Camel*} name (internal: only routes
 * set them; the caller is the authenticated user platform-http adds after this filter), credentials
 * ({@code Authorization}, {@code Cookie}, the CSRF token: checked by the access layer, then of no
 * use to a route and a risk in any log), names a route sends back as a response header (so
 * {@code ?Set-Cookie=…} or {@code ?Location=…} cannot come back), and the path parameters' names
 * ({@code ?id=…} would make a list with the path's own).
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
    private static final Set<String> PATH_PARAMETERS = Set.of("id", "version", "name", "action");

    private final HeaderFilterStrategy standard = new HttpHeaderFilterStrategy();

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !RESPONSE.contains(headerName.toLowerCase(Locale.ROOT));
    }

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        String name = headerName.toLowerCase(Locale.ROOT);
        return name.startsWith("upshift") || name.startsWith("camel") || name.startsWith("org.apache.camel")
                || CREDENTIALS.contains(name) || PATH_PARAMETERS.contains(name)
                || (RESPONSE.contains(name) && !ALSO_REQUEST.contains(name))
                || standard.applyFilterToExternalHeaders(headerName, headerValue, exchange);
    }
}
