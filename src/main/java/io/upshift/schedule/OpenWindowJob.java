package io.upshift.schedule;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;

/**
 * The Quartz job of every schedule: hands the fire over to Camel ({@code direct:open-window}) through
 * the {@link WindowOpener} this process put into the scheduler's context. Quartz creates jobs by
 * class name on whichever replica fires the trigger, so the job holds no state of its own.
 */
@DisallowConcurrentExecution
public class OpenWindowJob implements Job {

    /** Key of the {@link WindowOpener} in the Quartz scheduler context. */
    public static final String OPENER = "upshift.windowOpener";
    /** Key of the schedule id in the job's data. */
    public static final String SCHEDULE_ID = "scheduleId";

    @Override
    public void execute(JobExecutionContext context) throws JobExecutionException {
        String scheduleId = context.getMergedJobDataMap().getString(SCHEDULE_ID);
        try {
            WindowOpener opener = (WindowOpener) context.getScheduler().getContext().get(OPENER);
            if (opener == null) {
                throw new JobExecutionException("no window opener in the Quartz scheduler context: schedule " + scheduleId + " not opened");
            }
            opener.open(scheduleId, context.getScheduledFireTime().toInstant());
        } catch (SchedulerException e) {
            throw new JobExecutionException("could not open the window of schedule " + scheduleId, e);
        }
    }
}
