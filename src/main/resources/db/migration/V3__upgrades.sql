-- The Upgrade Record: one row per upgrade; the whole record (with its services) as JSON, and the
-- columns queries need beside it.
CREATE TABLE upgrade_record (
    id               VARCHAR(64)  NOT NULL PRIMARY KEY,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    state            VARCHAR(16)  NOT NULL,
    target_version   VARCHAR(64)  NOT NULL,
    idempotency_key  VARCHAR(255),
    document         TEXT         NOT NULL
);
CREATE UNIQUE INDEX upgrade_record_idempotency_key ON upgrade_record (idempotency_key);
CREATE INDEX upgrade_record_created_at ON upgrade_record (created_at);
CREATE INDEX upgrade_record_state ON upgrade_record (state);

-- The upgrade log: numbered, timestamped lines a client can follow with ?after=N.
CREATE TABLE upgrade_log (
    upgrade_id  VARCHAR(64) NOT NULL,
    line_no     INTEGER     NOT NULL,
    logged_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    message     TEXT        NOT NULL,
    PRIMARY KEY (upgrade_id, line_no)
);

-- What the platform runs now.
CREATE TABLE platform_state (
    id               VARCHAR(32)  NOT NULL PRIMARY KEY,
    current_version  VARCHAR(64)  NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
