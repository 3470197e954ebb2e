-- Up Migration

-- A projection batch is one statement: the projector calls ledger_project_batch once per batch,
-- in its own transaction, instead of a dozen round trips inside BEGIN/COMMIT. On this machine
-- every round trip to the server cost more than the rows it wrote.

-- One outbox row per event instead of one per message: the relay turns it into the event's two
-- messages (bucket state, balance event) with the topics of its own configuration. Values are
-- plain text; nothing ever queries inside them, so parsing them into jsonb was wasted work.
-- Rows of the old shape cannot be split into the new one: let the relay drain them first.
DO $$
BEGIN
  IF EXISTS (SELECT FROM outbox) THEN
    RAISE EXCEPTION 'the outbox still holds % unpublished messages: let the running relay publish them, then migrate',
      (SELECT count(*) FROM outbox);
  END IF;
END
$$;
DROP TABLE outbox;
CREATE TABLE outbox (
  id             bigserial   PRIMARY KEY,
  bucket_id      text        NOT NULL,
  event_id       uuid        NOT NULL,
  event_type     text        NOT NULL,
  version        bigint      NOT NULL,
  correlation_id text        NOT NULL,
  -- The bucket-state value; NULL and deleted: a tombstone; NULL and not deleted: no state message.
  state          text,
  deleted        boolean     NOT NULL DEFAULT false,
  event          text        NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Moves a projection version's checkpoint from p_from to p_to inside the caller's transaction.
-- Locks the checkpoint rows of this version and of every live one (the serving version and a
-- rebuild above it) in version order, as the rebuild's switch does, so neither can move until
-- this transaction ends and two runners cannot deadlock. Fails with LD001 when the version is
-- retired (below the serving one; DETAIL: the serving version) and LD002 when another instance
-- moved the checkpoint. Returns the furthest checkpoint of the other live versions: they have
-- already published every event up to it. The NOTIFY reaches read-your-writes waits after commit.
CREATE FUNCTION projection_advance(
  p_projection text, p_version int, p_from_commit bigint, p_from_prepare bigint,
  p_to_commit bigint, p_to_prepare bigint, p_events bigint,
  OUT published_commit bigint, OUT published_prepare bigint
) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_serving int := COALESCE((SELECT current_version FROM read_model_versions WHERE name = p_projection), 0);
  v_row record;
BEGIN
  FOR v_row IN
    SELECT c.version, c.commit_pos, c.prepare_pos FROM projection_checkpoints c
     WHERE c.projection = p_projection AND (c.version = p_version OR c.version >= v_serving)
     ORDER BY c.version FOR UPDATE
  LOOP
    CONTINUE WHEN v_row.version = p_version OR (v_row.commit_pos = 0 AND v_row.prepare_pos = 0);
    IF published_commit IS NULL OR (v_row.commit_pos, v_row.prepare_pos) > (published_commit, published_prepare) THEN
      published_commit := v_row.commit_pos;
      published_prepare := v_row.prepare_pos;
    END IF;
  END LOOP;
  -- Read again now that the locks are held: a switch that committed meanwhile has retired us.
  v_serving := COALESCE((SELECT current_version FROM read_model_versions WHERE name = p_projection), 0);
  IF p_version < v_serving THEN
    RAISE EXCEPTION '% v% is retired: v% serves now', p_projection, p_version, v_serving
      USING ERRCODE = 'LD001', DETAIL = v_serving::text;
  END IF;
  UPDATE projection_checkpoints
     SET commit_pos = p_to_commit, prepare_pos = p_to_prepare, events = events + p_events, updated_at = now()
   WHERE projection = p_projection AND version = p_version AND commit_pos = p_from_commit AND prepare_pos = p_from_prepare;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'checkpoint of % v% was moved by another instance', p_projection, p_version USING ERRCODE = 'LD002';
  END IF;
  PERFORM pg_notify('projection_checkpoint', concat_ws(':', p_projection, p_version, p_to_commit, p_to_prepare));
END
$$;

-- The ledger projection's batch: checkpoint first (it takes the locks), then every read-model
-- table, then the outbox rows of the events no other live version has passed (those were
-- published already) and this one has not received before. Read-model rows arrive as jsonb arrays, so documents are parsed once and
-- copied as they are; outbox rows as a json array of plain values. Every write is guarded by
-- revision, so a row written by a newer revision is never overwritten.
CREATE FUNCTION ledger_project_batch(
  p_projection text, p_version int, p_from_commit bigint, p_from_prepare bigint,
  p_to_commit bigint, p_to_prepare bigint, p_events bigint,
  p_buckets jsonb, p_topups jsonb, p_adjustments jsonb, p_activity jsonb, p_outbox json,
  OUT published_commit bigint, OUT published_prepare bigint
) LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  SELECT a.published_commit, a.published_prepare INTO published_commit, published_prepare
    FROM projection_advance(p_projection, p_version, p_from_commit, p_from_prepare, p_to_commit, p_to_prepare, p_events) a;

  INSERT INTO rm_buckets (model_version, id, revision, doc, deleted, created_at, updated_at)
  SELECT p_version, r->>'id', (r->>'revision')::bigint, r->'doc', (r->>'deleted')::boolean,
         (r->>'createdAt')::timestamptz, (r->>'updatedAt')::timestamptz
    FROM jsonb_array_elements(p_buckets) r
  ON CONFLICT (model_version, id) DO UPDATE
     SET revision = EXCLUDED.revision, doc = EXCLUDED.doc, deleted = EXCLUDED.deleted, updated_at = EXCLUDED.updated_at
   WHERE rm_buckets.revision < EXCLUDED.revision;

  INSERT INTO rm_topups (model_version, id, bucket_id, revision, doc, created_at)
  SELECT p_version, r->>'id', r->>'bucketId', (r->>'revision')::bigint, r->'doc', (r->>'createdAt')::timestamptz
    FROM jsonb_array_elements(p_topups) r
  ON CONFLICT (model_version, id) DO UPDATE SET revision = EXCLUDED.revision, doc = EXCLUDED.doc
   WHERE rm_topups.revision < EXCLUDED.revision;

  INSERT INTO rm_adjustments (model_version, id, bucket_id, revision, doc, created_at)
  SELECT p_version, r->>'id', r->>'bucketId', (r->>'revision')::bigint, r->'doc', (r->>'createdAt')::timestamptz
    FROM jsonb_array_elements(p_adjustments) r
  ON CONFLICT (model_version, id) DO UPDATE SET revision = EXCLUDED.revision, doc = EXCLUDED.doc
   WHERE rm_adjustments.revision < EXCLUDED.revision;

  -- The activity row is the event's receipt: an event whose row this version already has (one
  -- delivered twice) gets no outbox row a second time.
  WITH received AS (
    INSERT INTO rm_balance_activity (model_version, id, bucket_id, revision, doc, occurred_at, commit_pos, prepare_pos)
    SELECT p_version, r->>'id', r->>'bucketId', (r->>'revision')::bigint, r->'doc', (r->>'occurredAt')::timestamptz,
           (r->>'commitPos')::bigint, (r->>'preparePos')::bigint
      FROM jsonb_array_elements(p_activity) r
    ON CONFLICT (model_version, id) DO NOTHING
    RETURNING id
  )
  -- WITH ORDINALITY + ORDER BY: ids are drawn in the order the messages must reach Kafka.
  INSERT INTO outbox (bucket_id, event_id, event_type, version, correlation_id, state, deleted, event)
  SELECT o.bucket_id, o.event_id, o.event_type, o.version, o.correlation_id, o.state, o.deleted, o.event
    FROM ROWS FROM (json_to_recordset(p_outbox) AS (
           commit_pos bigint, prepare_pos bigint, bucket_id text, event_id uuid, event_type text, version bigint,
           correlation_id text, state text, deleted boolean, event text)) WITH ORDINALITY AS o(
           commit_pos, prepare_pos, bucket_id, event_id, event_type, version, correlation_id, state, deleted, event, n)
   WHERE o.event_id::text IN (SELECT id FROM received)
     AND (published_commit IS NULL OR (o.commit_pos, o.prepare_pos) > (published_commit, published_prepare))
   ORDER BY o.n;
END
$$;

-- Down Migration
DROP FUNCTION ledger_project_batch(text, int, bigint, bigint, bigint, bigint, bigint, jsonb, jsonb, jsonb, jsonb, json);
DROP FUNCTION projection_advance(text, int, bigint, bigint, bigint, bigint, bigint);
DROP TABLE outbox;
CREATE TABLE outbox (
  id         bigserial PRIMARY KEY,
  topic      text  NOT NULL,
  key        text  NOT NULL,
  value      text,
  headers    jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
