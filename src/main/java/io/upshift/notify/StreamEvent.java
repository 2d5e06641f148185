package io.upshift.notify;

/**
 * One event of an upgrade's stream as stored ({@code upgrade_event}): {@code seq} is the upgrade's own
 * sequence (the stream's event id), {@code type} is {@code log} for a log line or the id of an
 * {@link EventType} ({@code upgrade.stage}), {@code data} the JSON followers get.
 */
public record StreamEvent(long seq, String type, String data) {

    public static final String LOG = "log";

    /** True for the event that says the upgrade has ended (its stream ends after it). */
    public boolean ends() {
        return EventType.ofId(type).map(EventType::ends).orElse(false);
    }

    /** The event in Server-Sent Events framing: id, event name ({@code log} or {@code state}), data. */
    public String frame() {
        return "id: " + seq + "\nevent: " + (LOG.equals(type) ? LOG : "state") + "\ndata: " + data + "\n\n";
    }
}
