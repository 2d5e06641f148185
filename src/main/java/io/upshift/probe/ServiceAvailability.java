package io.upshift.probe;

import java.text.NumberFormat;
import java.util.Locale;

/**
 * A service's availability as measured while an upgrade ran: requests sent through the service
 * proxy ({@code probes}), those that failed (no answer in time, or a status of 400 or more), and the
 * longest run of consecutive failures, from the first failed request to the next good answer.
 */
public record ServiceAvailability(String service, long probes, long failed, long longestOutageMs) {

    /** {@code web-console: 1,212 probes, 0 failed} (and the longest outage when there was one). */
    public String line() {
        NumberFormat n = NumberFormat.getIntegerInstance(Locale.US);
        return service + ": " + n.format(probes) + (probes == 1 ? " probe, " : " probes, ") + n.format(failed)
                + " failed" + (failed == 0 ? "" : ", longest outage " + n.format(longestOutageMs) + " ms");
    }
}
