package io.upshift.upgrade;

/**
 * A heartbeat found that the lease is no longer this holder's on this instance: it expired and was
 * taken over, or it was released (force stop). Whoever runs the upgrade must stop starting work.
 */
public class LockLostException extends IllegalStateException {

    private final String key;
    private final String holder;

    public LockLostException(String key, String holder) {
        super("lock " + key + " is no longer held by " + holder + " on this instance");
        this.key = key;
        this.holder = holder;
    }

    public String key() {
        return key;
    }

    public String holder() {
        return holder;
    }
}
