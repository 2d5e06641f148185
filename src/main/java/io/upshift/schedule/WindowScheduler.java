package io.upshift.schedule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.TimeZone;

import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;

/**
 * The Quartz side of the schedules: one job and one trigger per schedule, named after its id, in the
 * clustered JDBC job store (so a window fires once across replicas and survives restarts).
 *
 * <p>Misfires (a window due while no replica was running): a one-off window fires now, a recurring
 * one fires once now and then keeps its cron; {@link Windows} then decides between a late start and
 * {@code MISSED}.
 */
public class WindowScheduler {

    static final String GROUP = "upshift-windows";

    private final Scheduler scheduler;

    public WindowScheduler(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Creates or replaces the job and trigger of {@code scheduleId}. */
    public void schedule(String scheduleId, ScheduleSpec spec, Instant now) {
        JobDetail job = JobBuilder.newJob(OpenWindowJob.class)
                .withIdentity(jobKey(scheduleId))
                .usingJobData(OpenWindowJob.SCHEDULE_ID, scheduleId)
                .withDescription("upgrade window of schedule " + scheduleId)
                .build();
        TriggerBuilder<Trigger> trigger = TriggerBuilder.newTrigger().withIdentity(triggerKey(scheduleId)).forJob(job);
        Trigger built;
        if (spec.recurring()) {
            built = trigger.startAt(Date.from(now))
                    .withSchedule(CronScheduleBuilder.cronSchedule(spec.cron())
                            .inTimeZone(TimeZone.getTimeZone(spec.zone()))
                            .withMisfireHandlingInstructionFireAndProceed())
                    .build();
        } else {
            built = trigger.startAt(Date.from(spec.at()))
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                    .build();
        }
        try {
            scheduler.scheduleJob(job, Set.of(built), true);
        } catch (SchedulerException e) {
            throw new IllegalStateException("could not schedule the window of " + scheduleId + ": " + e.getMessage(), e);
        }
    }

    public boolean isScheduled(String scheduleId) {
        try {
            return scheduler.checkExists(triggerKey(scheduleId));
        } catch (SchedulerException e) {
            throw new IllegalStateException("could not read the trigger of " + scheduleId + ": " + e.getMessage(), e);
        }
    }

    public void unschedule(String scheduleId) {
        try {
            scheduler.deleteJob(jobKey(scheduleId));
        } catch (SchedulerException e) {
            throw new IllegalStateException("could not remove the window of " + scheduleId + ": " + e.getMessage(), e);
        }
    }

    /** The next {@code count} times the trigger of {@code scheduleId} fires (none once it is done). */
    public List<Instant> nextFireTimes(String scheduleId, int count) {
        try {
            Trigger trigger = scheduler.getTrigger(triggerKey(scheduleId));
            List<Instant> fires = new ArrayList<>();
            Date next = trigger == null ? null : trigger.getNextFireTime();
            while (next != null && fires.size() < count) {
                fires.add(next.toInstant());
                next = trigger.getFireTimeAfter(next);
            }
            return fires;
        } catch (SchedulerException e) {
            throw new IllegalStateException("could not read the trigger of " + scheduleId + ": " + e.getMessage(), e);
        }
    }

    static JobKey jobKey(String scheduleId) {
        return JobKey.jobKey(scheduleId, GROUP);
    }

    static TriggerKey triggerKey(String scheduleId) {
        return TriggerKey.triggerKey(scheduleId, GROUP);
    }
}
