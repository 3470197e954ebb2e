-- Up Migration

-- Outbox rows the relay could not publish: the broker refused the message itself (too large, or
-- another error that no retry can cure), N times in a single-row batch. Every later row of the
-- same bucket is parked behind it, so a consumer never sees a bucket's versions out of order or
-- with a gap it cannot explain: the bucket's topic stream just stops at the parked version until
-- an operator puts the rows back (`ledger-cli outbox retry-parked`), which appends them to the
-- outbox again in their original order. Columns are the outbox's, plus why and when.
CREATE TABLE outbox_parked (
  id             bigint      PRIMARY KEY,
  bucket_id      text        NOT NULL,
  event_id       uuid        NOT NULL,
  event_type     text        NOT NULL,
  version        bigint      NOT NULL,
  correlation_id text        NOT NULL,
  state          text,
  deleted        boolean     NOT NULL DEFAULT false,
  event          text        NOT NULL,
  created_at     timestamptz NOT NULL,
  parked_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  attempts       int         NOT NULL,
  -- The broker's error for the row that failed; 'behind parked row <id>' for the rows parked after it.
  error          text        NOT NULL
);
-- The relay asks, for every row it reads, whether its bucket has a parked row.
CREATE INDEX outbox_parked_bucket ON outbox_parked (bucket_id, id);

-- Down Migration
DROP TABLE outbox_parked;
