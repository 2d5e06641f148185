package io.upshift.config;

import java.time.Clock;
import java.util.Map;

import javax.sql.DataSource;

import io.upshift.intake.DocumentReader;
import io.upshift.schedule.DataSourceConnectionProvider;
import io.upshift.schedule.DefaultWindowSet;
import io.upshift.schedule.DefaultWindows;
import io.upshift.schedule.OpenWindowJob;
import io.upshift.schedule.ScheduleRequest;
import io.upshift.schedule.ScheduleStore;
import io.upshift.schedule.ScheduleValidator;
import io.upshift.schedule.Schedules;
import io.upshift.schedule.WindowOpener;
import io.upshift.schedule.WindowScheduler;
import io.upshift.store.Jdbc;
import io.upshift.version.VersionStore;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.ExtendedStartupListener;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.quartz.QuartzComponent;
import org.quartz.Scheduler;
import org.quartz.utils.DBConnectionManager;

/**
 * Upgrade windows: the beans behind {@code routes/upgrade-schedule.camel.yaml}, and the Quartz
 * scheduler of the camel-quartz component (configured under {@code camel.component.quartz.*}) wired
 * to the application's database and to Camel.
 */
@Configuration
public class ScheduleConfiguration implements CamelConfiguration {

    /** The data source name Quartz's job store uses ({@code org.quartz.jobStore.dataSource} in application.properties). */
    public static final String QUARTZ_DATA_SOURCE = "upshift";

    @BindToRegistry(value = "scheduleStore", lazy = true)
    public ScheduleStore scheduleStore(@BeanInject("jdbc") Jdbc jdbc) {
        return new ScheduleStore(jdbc);
    }

    @BindToRegistry(value = "schedules", lazy = true)
    public Schedules schedules(@BeanInject("scheduleStore") ScheduleStore store, @BeanInject("versionStore") VersionStore versions,
            @BeanInject("scheduleReader") DocumentReader<ScheduleRequest> reader,
            @BeanInject("clock") Clock clock, CamelContext camel,
            @PropertyInject("upshift.schedule.min-interval") String minInterval) {
        ScheduleValidator validator = new ScheduleValidator(clock, version -> versions.find(version).isPresent(),
                io.upshift.kubernetes.Durations.parse(minInterval));
        return new Schedules(store, validator, () -> new WindowScheduler(scheduler(camel)), reader, clock);
    }

    /**
     * Quartz takes its connections from the application's pool: registered under the job store's
     * data source name before the component creates the scheduler (Quartz keeps providers in its
     * own JVM-wide registry). Then, once Camel has started, the scheduler gets the window opener and
     * starts firing. The default windows are read here (a wrong setting stops the start) and applied
     * by the leader (route apply-default-windows).
     */
    @Override
    public void configure(CamelContext camel) throws Exception {
        Map<String, ScheduleRequest> defaults = DefaultWindows.from(
                camel.getPropertiesComponent().loadProperties(key -> key.startsWith(DefaultWindows.PREFIX)));
        camel.getRegistry().bind("defaultWindows", new DefaultWindowSet(defaults,
                () -> camel.getRegistry().lookupByNameAndType("schedules", Schedules.class)));
        DBConnectionManager.getInstance().addConnectionProvider(QUARTZ_DATA_SOURCE,
                new DataSourceConnectionProvider(() -> camel.getRegistry().lookupByNameAndType("dataSource", DataSource.class)));
        camel.addStartupListener(new ExtendedStartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
                // windows open only once every route runs: see onCamelContextFullyStarted
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) throws Exception {
                startWindows(context);
            }
        });
    }

    private static void startWindows(CamelContext camel) throws Exception {
        Scheduler scheduler = scheduler(camel);
        ProducerTemplate producer = camel.createProducerTemplate();
        camel.addService(producer, true, false);
        WindowOpener opener = (scheduleId, fireTime) -> producer.sendBodyAndHeaders("direct:open-window", null,
                Map.of("UpshiftScheduleId", scheduleId, "UpshiftScheduledFireTime", fireTime));
        scheduler.getContext().put(OpenWindowJob.OPENER, opener);
        if (!scheduler.isStarted()) {
            scheduler.start();
        }
    }

    private static Scheduler scheduler(CamelContext camel) {
        Scheduler scheduler = camel.getComponent("quartz", QuartzComponent.class).getScheduler();
        if (scheduler == null) {
            throw new IllegalStateException("the Quartz scheduler of the camel-quartz component is not created yet");
        }
        return scheduler;
    }
}
