-- Up Migration

-- GET /bucket pages in created_at, id order over the live buckets of the serving version
-- (libs/read-model, TABLES.bucket). Without this index every page sorted every live bucket;
-- with it a page reads offset + limit index entries. Partial: deleted buckets are never listed.
-- Topups, adjustments and activity already have theirs (migrations/0002).
CREATE INDEX rm_buckets_created ON rm_buckets (model_version, created_at, id) WHERE NOT deleted;

-- Down Migration
DROP INDEX rm_buckets_created;
