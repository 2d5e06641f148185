package io.upshift.config;

import java.time.Clock;

import io.upshift.audit.AuditHttp;
import io.upshift.audit.AuditLog;
import io.upshift.audit.AuditPolicy;
import io.upshift.audit.UsersFileAudit;
import io.upshift.audit.UsersFileWatch;
import io.upshift.store.Jdbc;
import io.upshift.web.UserFile;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * The audit trail: its store, its API, the route policy on every state-changing REST route, and
 * the watch that audits the users file's changes (made with the {@code Users} command).
 */
@Configuration
public class AuditConfiguration implements CamelConfiguration {

    @BindToRegistry(value = "auditLog", lazy = true)
    public AuditLog auditLog(@BeanInject("jdbc") Jdbc jdbc, @BeanInject("clock") Clock clock) {
        return new AuditLog(jdbc, clock);
    }

    @BindToRegistry(value = "auditHttp", lazy = true)
    public AuditHttp auditHttp(@BeanInject("auditLog") AuditLog log) {
        return new AuditHttp(log);
    }

    @BindToRegistry(value = "usersFileAudit", lazy = true)
    public UsersFileAudit usersFileAudit(@BeanInject("userFile") UserFile users, @BeanInject("jdbc") Jdbc jdbc,
            @BeanInject("clock") Clock clock) {
        return new UsersFileAudit(users, jdbc, clock);
    }

    @Override
    public void configure(CamelContext camel) {
        AuditPolicy policy = new AuditPolicy(() -> camel.getRegistry().lookupByNameAndType("auditLog", AuditLog.class));
        camel.getRegistry().bind("auditPolicy", policy);
        camel.addRoutePolicyFactory(policy);
        camel.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.CamelContextStartedEvent;
            }

            @Override
            public void notify(CamelEvent event) throws Exception {
                // once started: the users file exists (the first operator is made at start) and the schema is migrated
                UsersFileAudit audit = camel.getRegistry().lookupByNameAndType("usersFileAudit", UsersFileAudit.class);
                camel.addService(new UsersFileWatch(audit), true, true);
            }
        });
    }
}
