package io.upshift.web;

/**
 * The health answer anyone may have without a login (Kubernetes probes, load balancers): up or
 * down, nothing else. Details (check names, messages) are Camel's /observe/health, behind a login.
 */
@FunctionalInterface
public interface HealthProbe {

    /** Probe kinds, by the path they answer: /observe/health, …/live, …/ready. */
    enum Kind {
        ALL, LIVENESS, READINESS
    }

    /** Runs the checks of this kind (blocking: call it off the event loop); true when all are up. */
    boolean up(Kind kind);
}
