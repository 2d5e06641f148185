package io.upshift.cluster;

import java.time.Instant;

/** Another live process runs with this process's {@code upshift.instance-id}. */
public class DuplicateInstanceException extends IllegalStateException {

    private final String instanceId;

    public DuplicateInstanceException(String instanceId, Instant renewedUntil) {
        super("another Upshift process is running with upshift.instance-id=" + instanceId
                + (renewedUntil == null ? "" : " (it renewed its registration until " + renewedUntil + ")")
                + ": every replica needs an id of its own (its pod name, HOSTNAME, by default); refusing to start");
        this.instanceId = instanceId;
    }

    public String instanceId() {
        return instanceId;
    }
}
