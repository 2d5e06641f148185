-- Access state every replica shares, so a console user can be served by any of them.
-- Console sessions (Vert.x sessions, serialized): keyed by the SHA-256 of the session id, so the
-- table never holds a usable cookie value. A session is gone for every replica once its row is.
CREATE TABLE web_session (
    id_sha256      VARCHAR(64)  NOT NULL PRIMARY KEY,
    data           TEXT         NOT NULL,
    version        INTEGER      NOT NULL,
    last_accessed  BIGINT       NOT NULL,
    timeout_ms     BIGINT       NOT NULL
);
CREATE INDEX web_session_expiry ON web_session (last_accessed);

-- Keys the replicas must agree on (the CSRF tokens' HMAC key), made once by the first replica.
CREATE TABLE access_secret (
    name    VARCHAR(64)  NOT NULL PRIMARY KEY,
    secret  VARCHAR(256) NOT NULL
);

-- Login attempts in a row, per (user, address) pair and per address (LoginThrottle).
CREATE TABLE login_attempt (
    attempt_key  VARCHAR(200) NOT NULL PRIMARY KEY,
    attempts     INTEGER      NOT NULL,
    last_at      BIGINT       NOT NULL
);
CREATE INDEX login_attempt_last ON login_attempt (last_at);
