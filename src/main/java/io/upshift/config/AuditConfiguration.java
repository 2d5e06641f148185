package io.upshift.config;

import java.time.Clock;

import io.upshift.audit.AuditHttp;
import io.upshift.audit.AuditLog;
import io.upshift.audit.AuditPolicy;
import io.upshift.store.Jdbc;
import org.apache.camel.BeanInject;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;

/** The audit trail: its store, its API, and the route policy on every state-changing REST route. */
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

    @Override
    public void configure(CamelContext camel) {
        AuditPolicy policy = new AuditPolicy(() -> camel.getRegistry().lookupByNameAndType("auditLog", AuditLog.class));
        camel.getRegistry().bind("auditPolicy", policy);
        camel.addRoutePolicyFactory(policy);
    }
}
