-- Version configurations (the manifests of target versions), as validated JSON.
CREATE TABLE version_config (
    version      VARCHAR(64)  NOT NULL PRIMARY KEY,
    sort_key     VARCHAR(64)  NOT NULL,
    document     TEXT         NOT NULL,
    services     INTEGER      NOT NULL,
    source       VARCHAR(512) NOT NULL,
    imported_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
