import type { PgPool as Pool } from '@ledger/postgres';

export interface ExpiryCandidate {
  bucketId: string;
  reservationId: string;
}

/**
 * Reservations whose latest expiry (the reserve's, or a later extension's) has passed, that have
 * not been released by expiry and that the scheduler has not found closed. The read model may lag
 * or be stale; the domain decides on the bucket's stream, so a wrong candidate costs a no-op only.
 */
const CANDIDATES_SQL = `
WITH v AS (SELECT current_version AS version FROM read_model_versions WHERE name = 'ledger')
SELECT r.bucket_id, r.doc->'action'->>'id' AS reservation_id
  FROM rm_balance_activity r, v
 WHERE r.model_version = v.version
   AND r.doc->>'type' = 'reservation'
   AND (r.doc->>'expiresAt')::timestamptz <= $1
   AND NOT EXISTS (
         SELECT 1 FROM reservation_expiry_done d
          WHERE d.bucket_id = r.bucket_id AND d.reservation_id = r.doc->'action'->>'id')
   AND NOT EXISTS (
         SELECT 1 FROM rm_balance_activity e
          WHERE e.model_version = v.version AND e.bucket_id = r.bucket_id
            AND e.doc->'action'->>'id' = r.doc->'action'->>'id'
            AND (e.doc->>'type' = 'reservationExpiry'
                 OR (e.doc->>'type' = 'reservationExtension' AND (e.doc->>'expiresAt')::timestamptz > $1)))
 ORDER BY (r.doc->>'expiresAt')::timestamptz
 LIMIT $2`;

export async function expiryCandidates(pool: Pool, now: Date, limit: number): Promise<ExpiryCandidate[]> {
  const { rows } = await pool.query<{ bucket_id: string; reservation_id: string }>(CANDIDATES_SQL, [now, limit]);
  return rows.map((r) => ({ bucketId: r.bucket_id, reservationId: r.reservation_id }));
}

/** A candidate that needs no release any more: it is left out of every later scan. */
export async function markDone(pool: Pool, candidate: ExpiryCandidate): Promise<void> {
  await pool.query(
    'INSERT INTO reservation_expiry_done (bucket_id, reservation_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    [candidate.bucketId, candidate.reservationId],
  );
}
