-- Up Migration

-- The event store lives in its own schema so read models and outboxes never share its names.
CREATE SCHEMA event_store;

-- One row per stream: where the next append continues the revisions and the hash chain.
CREATE TABLE event_store.streams (
  stream_id     text        PRIMARY KEY,
  last_revision bigint      NOT NULL CHECK (last_revision >= 0),
  last_hash     char(64)    NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Position = (transaction_id, global_position). Readers of the global order only read rows whose
-- transaction_id is below the oldest running transaction (pg_snapshot_xmin), so a transaction
-- that commits late can never land behind a position a reader has already passed.
CREATE TABLE event_store.events (
  global_position bigserial   PRIMARY KEY,
  transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
  event_id        uuid        NOT NULL,
  stream_id       text        NOT NULL,
  revision        bigint      NOT NULL CHECK (revision >= 0),
  event_type      text        NOT NULL,
  data            jsonb       NOT NULL,
  metadata        jsonb       NOT NULL,
  recorded_at     timestamptz NOT NULL,
  CONSTRAINT events_event_id_key UNIQUE (event_id),
  -- Backstop behind the stream lock: two writers can never both create a revision.
  CONSTRAINT events_stream_revision_key UNIQUE (stream_id, revision)
);

-- The global read order; readAll and headPosition are range scans on it.
CREATE INDEX events_global_order_idx ON event_store.events (transaction_id, global_position);

-- Command ids recorded in the append transaction, so a repeated command returns the first result.
CREATE TABLE event_store.commands (
  command_id     text        PRIMARY KEY,
  fingerprint    text,
  stream_id      text        NOT NULL,
  first_revision bigint      NOT NULL,
  last_revision  bigint      NOT NULL,
  commit_xid     xid8        NOT NULL,
  prepare        bigint      NOT NULL,
  recorded_at    timestamptz NOT NULL DEFAULT now()
);

-- Appends one batch under the stream's lock if the stream is still where the caller computed the
-- hash chain from (p_expected_last: its last revision, NULL for a new stream). Returns no row when
-- the stream moved or the command id was recorded meanwhile: the caller re-reads and decides again.
-- One call is one statement, so an append outside an explicit transaction is a single round trip.
-- No NOTIFY here: PostgreSQL serialises the commits of notifying transactions (a global lock held
-- through the WAL flush), which halved append throughput at 8 clients. Subscribers are woken by a
-- separate, coalesced NOTIFY after commit (see append-notifier.ts).
CREATE FUNCTION event_store.append_events(
  p_stream text, p_expected_last bigint, p_last_hash text, p_events jsonb,
  p_recorded_at timestamptz, p_command_id text, p_fingerprint text
) RETURNS TABLE (commit_xid xid8, prepare bigint)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  v_first bigint := coalesce(p_expected_last, -1) + 1;
  v_last bigint := coalesce(p_expected_last, -1) + jsonb_array_length(p_events);
  v_prepare bigint;
BEGIN
  -- Each statement below must see what the previous lock holder committed.
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'event_store.append_events needs READ COMMITTED isolation';
  END IF;
  -- An advisory lock, not a row lock: locking a row assigns the transaction id before waiting, so
  -- a waiter could get a lower id than the holder it queued behind and be read before it in the
  -- global order despite its later revisions. This lock assigns no id; the INSERT below does,
  -- once the lock is held. Two int4 keys keep it apart from single-bigint advisory locks.
  PERFORM pg_advisory_xact_lock(1163088978, hashtext(p_stream));
  IF p_command_id IS NOT NULL AND EXISTS (SELECT FROM event_store.commands c WHERE c.command_id = p_command_id) THEN
    RETURN;
  END IF;
  IF (SELECT s.last_revision FROM event_store.streams s WHERE s.stream_id = p_stream) IS DISTINCT FROM p_expected_last THEN
    RETURN;
  END IF;
  WITH inserted AS (
    INSERT INTO event_store.events (event_id, stream_id, revision, event_type, data, metadata, recorded_at)
    SELECT (e->>'id')::uuid, p_stream, v_first + n - 1, e->>'type', e->'data', e->'metadata', p_recorded_at
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS t(e, n)
    ORDER BY n
    RETURNING global_position
  )
  SELECT max(global_position) INTO v_prepare FROM inserted;
  IF p_expected_last IS NULL THEN
    INSERT INTO event_store.streams (stream_id, last_revision, last_hash) VALUES (p_stream, v_last, p_last_hash);
  ELSE
    UPDATE event_store.streams SET last_revision = v_last, last_hash = p_last_hash, updated_at = now() WHERE stream_id = p_stream;
  END IF;
  IF p_command_id IS NOT NULL THEN
    INSERT INTO event_store.commands (command_id, fingerprint, stream_id, first_revision, last_revision, commit_xid, prepare)
    VALUES (p_command_id, p_fingerprint, p_stream, v_first, v_last, pg_current_xact_id(), v_prepare);
  END IF;
  RETURN QUERY SELECT pg_current_xact_id(), v_prepare;
END
$$;

-- Down Migration

DROP SCHEMA event_store CASCADE;
