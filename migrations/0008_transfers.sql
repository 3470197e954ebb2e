-- Up Migration

-- The transfer process's read model: one row per transfer stream, folded like a bucket row
-- (guarded by revision). The API lists and shows transfers from it, and the resumer finds the
-- unfinished ones through the partial index, on every event store (the table is in PostgreSQL
-- whatever store holds the streams).
CREATE TABLE rm_transfers (
  model_version int         NOT NULL,
  id            text        NOT NULL,
  revision      bigint      NOT NULL,
  status        text        NOT NULL,
  doc           jsonb       NOT NULL,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  PRIMARY KEY (model_version, id)
);
CREATE INDEX rm_transfers_doc ON rm_transfers USING gin (doc jsonb_path_ops);
CREATE INDEX rm_transfers_created ON rm_transfers (model_version, created_at DESC, id);
CREATE INDEX rm_transfers_pending ON rm_transfers (model_version, updated_at)
  WHERE status NOT IN ('completed', 'failed');

-- A batch with transfer rows: the 13-argument ledger_project_batch runs the bucket batch of the
-- 12-argument one unchanged (migrations/0003, which takes the checkpoint first), then writes the
-- transfer rows, in the same statement and so the same transaction as the checkpoint: exactly
-- once, as every other read-model row. An overload rather than a new name, so the batch statement
-- still reads `ledger_project_batch(` to whoever watches pg_stat_activity (the fault tests do).
-- Transfer events have no bucket: they get no activity row and no outbox row; their bucket legs
-- have both.
CREATE FUNCTION ledger_project_batch(
  p_projection text, p_version int, p_from_commit bigint, p_from_prepare bigint,
  p_to_commit bigint, p_to_prepare bigint, p_events bigint,
  p_buckets jsonb, p_topups jsonb, p_adjustments jsonb, p_activity jsonb, p_outbox json, p_transfers jsonb,
  OUT published_commit bigint, OUT published_prepare bigint
) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  SELECT b.published_commit, b.published_prepare INTO published_commit, published_prepare
    FROM ledger_project_batch(p_projection, p_version, p_from_commit, p_from_prepare, p_to_commit, p_to_prepare,
                              p_events, p_buckets, p_topups, p_adjustments, p_activity, p_outbox) b;

  INSERT INTO rm_transfers (model_version, id, revision, status, doc, created_at, updated_at)
  SELECT p_version, r->>'id', (r->>'revision')::bigint, r->'doc'->>'status', r->'doc',
         (r->>'createdAt')::timestamptz, (r->>'updatedAt')::timestamptz
    FROM jsonb_array_elements(p_transfers) r
  ON CONFLICT (model_version, id) DO UPDATE
     SET revision = EXCLUDED.revision, status = EXCLUDED.status, doc = EXCLUDED.doc, updated_at = EXCLUDED.updated_at
   WHERE rm_transfers.revision < EXCLUDED.revision;
END
$$;

-- Down Migration
DROP FUNCTION ledger_project_batch(text, int, bigint, bigint, bigint, bigint, bigint, jsonb, jsonb, jsonb, jsonb, json, jsonb);
DROP TABLE rm_transfers;
