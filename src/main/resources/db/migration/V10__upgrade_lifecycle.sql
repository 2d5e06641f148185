-- The upgrade lifecycle's states are longer than the first ones (MARKED_SUCCEEDED); the indexes
-- serve the API's queries: the Upgrade Record newest first, and a page's services in one query.
ALTER TABLE upgrade_record ALTER COLUMN state SET DATA TYPE VARCHAR(32);
DROP INDEX upgrade_record_created_at;
CREATE INDEX upgrade_record_newest ON upgrade_record (created_at, id);
CREATE INDEX upgrade_service_position ON upgrade_service (upgrade_id, position);
