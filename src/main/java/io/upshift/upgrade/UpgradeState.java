package io.upshift.upgrade;

/** Where an upgrade stands. RUNNING and PENDING hold the platform lock; the others are final. */
public enum UpgradeState {
    PENDING, RUNNING, SUCCEEDED, FAILED, ROLLED_BACK, STOPPED;

    public boolean isFinal() {
        return this != PENDING && this != RUNNING;
    }
}
