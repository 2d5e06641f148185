-- The events of each upgrade, in the order they happened, as followers of GET /api/upgrades/{id}/events
-- see them: its log lines and its state events (accepted, started, each stage, the end). seq is the
-- upgrade's own sequence from 1 and the stream's event id: a follower resumes after it (Last-Event-ID).
CREATE TABLE upgrade_event (
    upgrade_id  VARCHAR(64) NOT NULL,
    seq         BIGINT      NOT NULL,
    at          TIMESTAMP WITH TIME ZONE NOT NULL,
    type        VARCHAR(40) NOT NULL,
    document    TEXT        NOT NULL,
    PRIMARY KEY (upgrade_id, seq)
);
