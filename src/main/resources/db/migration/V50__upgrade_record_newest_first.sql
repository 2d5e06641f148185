-- Issue 18: the Upgrade Record's list reads newest first (ORDER BY created_at DESC, id DESC, a page at a
-- time). H2 serves an ORDER BY from an index only in the index's own direction: with the ascending
-- index it sorted every record (documents included) for each page. PostgreSQL scans either way.
DROP INDEX upgrade_record_newest;
CREATE INDEX upgrade_record_newest_first ON upgrade_record (created_at DESC, id DESC);
