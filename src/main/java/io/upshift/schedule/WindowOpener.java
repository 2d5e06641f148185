package io.upshift.schedule;

import java.time.Instant;

/** Opens a schedule's window: what a Quartz fire does. */
@FunctionalInterface
public interface WindowOpener {

    void open(String scheduleId, Instant scheduledFireTime);
}
