-- Who sent each version configuration (the authenticated user of the last HTTP upload; NULL for an
-- inbox file and for imports made before this column).
ALTER TABLE version_config ADD COLUMN uploaded_by VARCHAR(64);
