-- Upgrade windows: when to request which upgrade, and what happened the last time a window opened.
-- The firing itself is Quartz's (QRTZ_* tables, V5 per database vendor); a schedule's trigger is
-- named after its id. name: the settings key of a default window (upshift.windows.<name>.*),
-- null for schedules made through the API or the inbox.
CREATE TABLE upgrade_schedule (
    id               VARCHAR(64)   NOT NULL PRIMARY KEY,
    name             VARCHAR(128)  UNIQUE,
    target_version   VARCHAR(64)   NOT NULL,
    mode             VARCHAR(32),
    accept_risk      BOOLEAN       NOT NULL,
    allow_downgrade  BOOLEAN       NOT NULL,
    requested_by     VARCHAR(255),
    at_time          TIMESTAMP WITH TIME ZONE,
    cron             VARCHAR(255),
    time_zone        VARCHAR(64),
    window_minutes   INTEGER       NOT NULL,
    source           VARCHAR(512)  NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    last_window_at   TIMESTAMP WITH TIME ZONE,
    last_outcome     VARCHAR(2048),
    last_outcome_at  TIMESTAMP WITH TIME ZONE,
    last_upgrade_id  VARCHAR(128)
);
