package io.upshift.notify;

import java.net.URI;
import java.util.Set;

/**
 * A notification receiver from the settings ({@code upshift.notify.<name>.*}): where to POST, which
 * events it takes (empty: all), the body's format, and the HMAC-SHA256 key of its signature header
 * (none: unsigned). {@code toString} leaves the URL's path and the secret out: Slack's URL is a secret.
 */
public record Receiver(String name, URI url, Set<EventType> events, Format format, String secret) {

    /** The body's shape: Upshift's event as JSON, or a Slack incoming-webhook message. */
    public enum Format {
        JSON, SLACK
    }

    public Receiver {
        events = Set.copyOf(events);
    }

    public boolean takes(EventType type) {
        return events.isEmpty() || events.contains(type);
    }

    @Override
    public String toString() {
        return name + " (" + url.getScheme() + "://" + url.getAuthority() + ", " + format + ")";
    }
}
