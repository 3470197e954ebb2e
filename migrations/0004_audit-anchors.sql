-- Up Migration

-- Signed anchors over the event store's stream heads (libs/audit, docs/auditing.md). The signature
-- is made with a key that never sits in this database, and each anchor is also published to its
-- own Kafka topic: a database writer can delete rows here, but cannot forge one.
CREATE SCHEMA audit;

CREATE TABLE audit.anchors (
  sequence     bigint      PRIMARY KEY CHECK (sequence >= 1),
  digest       char(64)    NOT NULL,
  -- The whole signed anchor (ledger.audit-anchor.v1), as published.
  document     jsonb       NOT NULL,
  stored_at    timestamptz NOT NULL DEFAULT now(),
  -- Set once Kafka acknowledged the anchor; NULL rows are published (again) in sequence order.
  published_at timestamptz
);

CREATE INDEX anchors_unpublished_idx ON audit.anchors (sequence) WHERE published_at IS NULL;

-- Down Migration

DROP SCHEMA audit CASCADE;
