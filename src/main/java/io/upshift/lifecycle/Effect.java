package io.upshift.lifecycle;

import java.time.Instant;

import io.upshift.upgrade.Phase;

/** What a decision asks the reconciler to do, in the cluster, the lock and the event loop. */
public sealed interface Effect {

    /** Schedule the phase's steps over the dependency graph (services already through it are skipped). */
    record RunPhase(Phase phase) implements Effect {
    }

    /** Run the pre-checks against the cluster as it is now; their report comes back as {@code PrechecksDone}. */
    record RunPrechecks() implements Effect {
    }

    /** Run the checks of the VERIFYING stage; their report comes back as {@code VerificationDone}. */
    record RunVerification() implements Effect {
    }

    /** Start no further step of the phase in flight; those under way finish. */
    record HaltPhase() implements Effect {
    }

    record ReleaseLock() implements Effect {
    }

    record SetCurrentVersion(String version) implements Effect {
    }

    /** Read each service's Deployment and write its image and replicas into the record. */
    record Snapshot() implements Effect {
    }

    /** Reconcile again right away (the next stage is due). */
    record Requeue() implements Effect {
    }

    /** Reconcile again at this time. */
    record WakeAt(Instant at) implements Effect {
    }

    /** This process stops driving the upgrade (it ended, or another instance holds its lease). */
    record Forget() implements Effect {
    }

    /** Resume here once the lease is free again (the lease was lost). */
    record TakeOverWhenFree() implements Effect {
    }

    /** Start a new upgrade that puts every service back to the images this one started from. */
    record StartRollback(String by, String note) implements Effect {
    }
}
