package io.upshift.schedule;

import java.time.Instant;

/**
 * One opening of a schedule's window as judged when Quartz fires it: {@code opensAt} is when the
 * window opened (null when the fire belongs to no window any more); {@code missed} when it closed
 * before Upshift could act on it (it was down, or the fire came too late).
 */
public record Window(String scheduleId, Instant opensAt, Instant endsAt, boolean missed) {

    /**
     * The pipeline's Idempotency-Key of this window's request: should Quartz fire the same window
     * twice (a replica's recovery), the second request gets the first one's upgrade back.
     */
    public String idempotencyKey() {
        return "schedule:" + scheduleId + "@" + opensAt;
    }
}
