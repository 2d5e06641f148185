-- Operator actions for an upgrade that another replica runs: the replica that received the request
-- stores it here and signals the owner (NOTIFY), whose event loop decides it and stores the answer.
-- outcome: DONE (answer: the id of the record to answer with), REFUSED (answer: the refusal as JSON),
-- EXPIRED (nobody answered within upshift.lifecycle.action-timeout; never applied afterwards).
CREATE TABLE action_request (
    id            VARCHAR(64)   NOT NULL PRIMARY KEY,
    upgrade_id    VARCHAR(128)  NOT NULL,
    action        VARCHAR(32)   NOT NULL,
    requested_by  VARCHAR(255),
    note          VARCHAR(2000),
    verdict       VARCHAR(32),
    requested_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    claimed_by    VARCHAR(255),
    answered_at   TIMESTAMP WITH TIME ZONE,
    outcome       VARCHAR(16),
    answer        VARCHAR(8000)
);
CREATE INDEX action_request_pending ON action_request (upgrade_id, outcome);
