-- Up Migration
-- The expiry scheduler's candidates are the reservation rows of the activity read model; this
-- partial index keeps its scan to those rows, whatever else the activity table holds.
CREATE INDEX rm_balance_activity_reservations ON rm_balance_activity (model_version, bucket_id)
  WHERE doc->>'type' = 'reservation';

-- Reservations the scheduler found closed (released, captured in full, expired) or gone with their
-- bucket. The activity rows cannot say that a final capture released the rest, so without this a
-- closed reservation past its expiry would be a candidate at every scan. Independent of the read
-- model's version: a bucket's reservation ids do not change when the read model is rebuilt.
CREATE TABLE reservation_expiry_done (
  bucket_id      text NOT NULL,
  reservation_id text NOT NULL,
  done_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (bucket_id, reservation_id)
);

-- Down Migration
DROP TABLE reservation_expiry_done;
DROP INDEX rm_balance_activity_reservations;
