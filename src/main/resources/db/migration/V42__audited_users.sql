-- The users file as the audit trail last saw it: each user's role and a digest of its password
-- hash (never the hash), so a change made with the Users command, even while Upshift was down,
-- is written to the trail once, by whichever replica sees it first.
CREATE TABLE audited_user (
    name        VARCHAR(64) PRIMARY KEY,
    role        VARCHAR(16) NOT NULL,
    credential  VARCHAR(64) NOT NULL
);
