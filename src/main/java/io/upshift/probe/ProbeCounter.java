package io.upshift.probe;

/**
 * The running count of one service's probes. Answers may come back out of order (each request has
 * its own timeout), so an outage runs from the earliest failed request sent after the last good one
 * to the next good answer. Thread-safe: answers arrive on the HTTP client's threads.
 */
final class ProbeCounter {

    private final String service;
    private long probes;
    private long failed;
    private long longestOutageMs;
    /** When the current outage began (the send time of its first failed request), or -1 while up. */
    private long outageSince = -1;

    ProbeCounter(ServiceAvailability before) {
        this.service = before.service();
        this.probes = before.probes();
        this.failed = before.failed();
        this.longestOutageMs = before.longestOutageMs();
    }

    synchronized void record(boolean ok, long sentAt, long answeredAt) {
        probes++;
        if (ok) {
            if (outageSince >= 0) {
                longestOutageMs = Math.max(longestOutageMs, answeredAt - outageSince);
                outageSince = -1;
            }
        } else {
            failed++;
            if (outageSince < 0 || sentAt < outageSince) {
                outageSince = sentAt;
            }
            longestOutageMs = Math.max(longestOutageMs, answeredAt - outageSince);
        }
    }

    synchronized ServiceAvailability snapshot() {
        return new ServiceAvailability(service, probes, failed, longestOutageMs);
    }
}
