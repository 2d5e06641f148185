package io.upshift.schedule;

import java.time.Instant;

/**
 * One opening of a schedule's window as judged when Quartz fires it: {@code opensAt} is when the
 * window opened (null when the fire belongs to no window any more); {@code missed} when it closed
 * before Upshift could act on it (it was down, or the fire came too late).
 */
public record Window(String scheduleId, Instant opensAt, Instant endsAt, boolean missed) {
}
