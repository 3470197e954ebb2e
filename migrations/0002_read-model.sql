-- Up Migration

-- Read models are versioned so a rebuild can fill version N+1 while N keeps serving; the API reads
-- the version named here, and a rebuild switches it in one UPDATE.
CREATE TABLE read_model_versions (
  name            text PRIMARY KEY,
  current_version integer NOT NULL CHECK (current_version > 0),
  switched_at     timestamptz NOT NULL DEFAULT now()
);
INSERT INTO read_model_versions (name, current_version) VALUES ('ledger', 1);

-- Where each projection version has got to in the event store's global order. Moved only by a
-- compare-and-set on the old value, in the same transaction as the rows it covers.
CREATE TABLE projection_checkpoints (
  projection   text    NOT NULL,
  version      integer NOT NULL,
  commit_pos   bigint  NOT NULL DEFAULT 0,
  prepare_pos  bigint  NOT NULL DEFAULT 0,
  events       bigint  NOT NULL DEFAULT 0,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (projection, version)
);

-- `doc` is the published TMF654 v2 model of the row; typed columns exist only where a query sorts
-- or a guard compares. Attribute filters use jsonb containment on `doc` (GIN, jsonb_path_ops).
CREATE TABLE rm_buckets (
  model_version integer NOT NULL,
  id            text    NOT NULL,
  revision      bigint  NOT NULL,
  doc           jsonb   NOT NULL,
  deleted       boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  PRIMARY KEY (model_version, id)
);
CREATE INDEX rm_buckets_doc ON rm_buckets USING gin (doc jsonb_path_ops);

CREATE TABLE rm_topups (
  model_version integer NOT NULL,
  id            text    NOT NULL,
  bucket_id     text    NOT NULL,
  revision      bigint  NOT NULL,
  doc           jsonb   NOT NULL,
  created_at    timestamptz NOT NULL,
  PRIMARY KEY (model_version, id)
);
CREATE INDEX rm_topups_doc ON rm_topups USING gin (doc jsonb_path_ops);
CREATE INDEX rm_topups_created ON rm_topups (model_version, created_at DESC, id);

CREATE TABLE rm_adjustments (
  model_version integer NOT NULL,
  id            text    NOT NULL,
  bucket_id     text    NOT NULL,
  revision      bigint  NOT NULL,
  doc           jsonb   NOT NULL,
  created_at    timestamptz NOT NULL,
  PRIMARY KEY (model_version, id)
);
CREATE INDEX rm_adjustments_doc ON rm_adjustments USING gin (doc jsonb_path_ops);
CREATE INDEX rm_adjustments_created ON rm_adjustments (model_version, created_at DESC, id);

-- One row per event that changed a bucket: the auditor's and admin's "what happened" list.
CREATE TABLE rm_balance_activity (
  model_version integer NOT NULL,
  id            text    NOT NULL,
  bucket_id     text    NOT NULL,
  revision      bigint  NOT NULL,
  doc           jsonb   NOT NULL,
  occurred_at   timestamptz NOT NULL,
  commit_pos    bigint  NOT NULL,
  prepare_pos   bigint  NOT NULL,
  PRIMARY KEY (model_version, id)
);
CREATE INDEX rm_balance_activity_doc ON rm_balance_activity USING gin (doc jsonb_path_ops);
CREATE INDEX rm_balance_activity_order ON rm_balance_activity (model_version, commit_pos DESC, prepare_pos DESC);

-- Messages written by the projector in the same transaction as the read model; the relay publishes
-- them to Kafka in id order and deletes them. One writer at a time (the projector's advisory lock)
-- makes id order equal commit order.
CREATE TABLE outbox (
  id         bigserial PRIMARY KEY,
  topic      text  NOT NULL,
  key        text  NOT NULL,
  value      text,
  headers    jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Down Migration
DROP TABLE outbox;
DROP TABLE rm_balance_activity;
DROP TABLE rm_adjustments;
DROP TABLE rm_topups;
DROP TABLE rm_buckets;
DROP TABLE projection_checkpoints;
DROP TABLE read_model_versions;
