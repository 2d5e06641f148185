-- Leases: one row per lock key (the upgrade lock uses the key 'platform'). A row is taken by an
-- atomic INSERT, or by a conditional UPDATE once its lease has expired, so a crashed holder does
-- not keep the platform locked forever; a live holder renews expires_at with a heartbeat.
-- holder: the upgrade id; owner_instance: the Upshift process (replica) running it.
CREATE TABLE platform_lock (
    lock_key       VARCHAR(128) NOT NULL PRIMARY KEY,
    holder         VARCHAR(128) NOT NULL,
    owner_instance VARCHAR(255),
    acquired_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
