package io.upshift.web;

import java.util.Locale;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * Lets only HTTP response headers out. platform-http copies request headers and query parameters
 * into the message, and by default sends them back; internal headers must not leak either.
 */
public class ResponseHeaders implements HeaderFilterStrategy {

    private static final Set<String> ALLOWED = Set.of("content-type", "location", "cache-control", "set-cookie",
            "www-authenticate", "retry-after", "content-disposition", "x-content-type-options", "idempotency-key",
            "x-upshift-log-lines");

    private final HeaderFilterStrategy inbound = new HttpHeaderFilterStrategy();

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !ALLOWED.contains(headerName.toLowerCase(Locale.ROOT));
    }

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return inbound.applyFilterToExternalHeaders(headerName, headerValue, exchange);
    }
}
