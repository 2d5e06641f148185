package io.upshift.web;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Rules on a request that protect a browser's user from other sites (cross-site request forgery):
 * a state-changing request must come from this site, and its body must be a document type that no
 * HTML form can send without the browser asking this server first (CORS preflight).
 */
public final class RequestGuards {

    /** Body types the API reads; HTML forms can send none of them cross-site. */
    private static final Set<String> DOCUMENT_TYPES = Set.of("application/json", "application/yaml",
            "application/x-yaml", "text/yaml", "text/x-yaml");
    /** Sec-Fetch-Site values of a request this site made itself, or the user typed. */
    private static final Set<String> OWN_SITE = Set.of("same-origin", "none");

    private RequestGuards() {
    }

    /**
     * Why an unsafe request comes from another site, or empty. Browsers send {@code Sec-Fetch-Site}
     * and {@code Origin} on such requests; clients without them (curl, scripts) are not browsers.
     *
     * @param host the request's authority: its Host header, or HTTP/2's :authority (host[:port])
     */
    public static Optional<String> crossSite(String host, String origin, String fetchSite) {
        if (fetchSite != null && !OWN_SITE.contains(fetchSite.trim().toLowerCase(Locale.ROOT))) {
            return Optional.of("a " + fetchSite.trim() + " request may not change anything here");
        }
        if (origin != null && !sameAuthority(origin.trim(), host)) {
            return Optional.of("a request from another origin may not change anything here");
        }
        return Optional.empty();
    }

    /** True when a body of this Content-Type is a document the API reads (not a form or text). */
    public static boolean documentType(String contentType) {
        String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        return DOCUMENT_TYPES.contains(type);
    }

    private static boolean sameAuthority(String origin, String host) {
        if (host == null || origin.equals("null")) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
            if (uri.getHost() == null) {
                return false;
            }
            int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            URI own = URI.create("//" + host);
            int ownPort = own.getPort() >= 0 ? own.getPort() : port;
            return uri.getHost().equalsIgnoreCase(own.getHost()) && port == ownPort;
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }
}
