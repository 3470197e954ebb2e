import type { Pool } from 'pg';

export interface ParkedSummary {
  rows: number;
  buckets: number;
  /** Seconds since the oldest row was parked; null when none is. */
  oldestSeconds: number | null;
}

export async function parkedSummary(pool: Pool): Promise<ParkedSummary> {
  const { rows } = await pool.query<{ n: number; buckets: number; oldest: number | null }>({
    name: 'outbox/parked-summary',
    text: `SELECT count(*)::int AS n, count(DISTINCT bucket_id)::int AS buckets,
                  extract(epoch FROM clock_timestamp() - min(parked_at))::float8 AS oldest
             FROM outbox_parked`,
  });
  return { rows: rows[0].n, buckets: rows[0].buckets, oldestSeconds: rows[0].oldest };
}

export interface RetriedRows {
  /** Parked rows put back. */
  retried: number;
  /** Unpublished outbox rows of the same buckets, moved behind them to keep each bucket's order. */
  reordered: number;
  buckets: string[];
}

/**
 * Puts parked rows back into the outbox, at its end and in their original order: every parked
 * row, or (`fromId`) that row and the later parked rows of its bucket, which were parked only
 * because of it. A bucket's rows that reached the outbox meanwhile are moved behind them, so the
 * relay still publishes the bucket in version order. The outbox is locked against the relay and
 * the projector for this one short transaction (SHARE ROW EXCLUSIVE: both wait, neither fails).
 */
export async function retryParked(pool: Pool, fromId?: string): Promise<RetriedRows> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('LOCK TABLE outbox IN SHARE ROW EXCLUSIVE MODE');
    const { rows } = await client.query<{ retried: number; reordered: number; buckets: string[] | null }>(
      `WITH chosen AS (
         DELETE FROM outbox_parked
          WHERE $1::bigint IS NULL
             OR (bucket_id = (SELECT bucket_id FROM outbox_parked WHERE id = $1) AND id >= $1)
         RETURNING id, bucket_id, event_id, event_type, version, correlation_id, state, deleted, event, created_at
       ), waiting AS (
         DELETE FROM outbox WHERE bucket_id IN (SELECT bucket_id FROM chosen)
         RETURNING id, bucket_id, event_id, event_type, version, correlation_id, state, deleted, event, created_at
       ), moved AS (
         INSERT INTO outbox (bucket_id, event_id, event_type, version, correlation_id, state, deleted, event, created_at)
         SELECT bucket_id, event_id, event_type, version, correlation_id, state, deleted, event, created_at
           FROM (SELECT * FROM chosen UNION ALL SELECT * FROM waiting) AS r ORDER BY id
         RETURNING bucket_id
       )
       SELECT (SELECT count(*)::int FROM chosen) AS retried, (SELECT count(*)::int FROM waiting) AS reordered,
              (SELECT array_agg(DISTINCT bucket_id) FROM moved) AS buckets`,
      [fromId ?? null],
    );
    await client.query('COMMIT');
    return { retried: rows[0].retried, reordered: rows[0].reordered, buckets: rows[0].buckets ?? [] };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
