-- One row per service of an upgrade: the progress aggregator writes one small row per event
-- instead of rewriting the whole record (whose document no longer holds the services).
CREATE TABLE upgrade_service (
    upgrade_id  VARCHAR(64)  NOT NULL,
    position    INTEGER      NOT NULL,
    name        VARCHAR(253) NOT NULL,
    document    TEXT         NOT NULL,
    PRIMARY KEY (upgrade_id, name)
);
