package io.upshift.lifecycle;

import java.time.Instant;

import io.upshift.upgrade.Phase;

/**
 * What this process observes besides the stored record: the phase whose steps it has in flight on
 * the cluster (null after a restart or a takeover: nothing of the upgrade runs here) and the time.
 */
public record Observed(Phase inFlight, Instant now) {
}
