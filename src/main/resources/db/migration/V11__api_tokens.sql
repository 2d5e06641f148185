-- API tokens (Authorization: Bearer). Only the SHA-256 of a token is stored (hex); the token itself
-- is shown once, when it is created. Every request looks its hash up here, so a revoked (deleted)
-- token stops working at once on every replica. role: viewer|operator, at most the owner's role.
-- last_used_at is written at most once per upshift.auth.tokens.last-used-resolution.
CREATE TABLE api_token (
    name          VARCHAR(64)   NOT NULL PRIMARY KEY,
    token_sha256  CHAR(64)      NOT NULL UNIQUE,
    role          VARCHAR(16)   NOT NULL,
    owner         VARCHAR(64)   NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    last_used_at  TIMESTAMP WITH TIME ZONE
);
