import type { Pool } from 'pg';
import type { Position } from '@ledger/event-store';

/**
 * The SQL behind the lag report. Every count is bounded by a LIMIT so a report over a projector
 * that has fallen millions of events behind costs the same as one over a caught-up projector.
 */
const HORIZON = '(SELECT pg_snapshot_xmin(pg_current_snapshot()))';

/** Same range and horizon as the Postgres store's readAll, so it counts exactly what the projector would read next. */
const EVENTS_AFTER = `SELECT count(*)::int AS n FROM (
    SELECT 1 FROM event_store.events
     WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint) AND transaction_id < ${HORIZON}
     LIMIT $3) AS behind`;

const OUTBOX = `SELECT (SELECT count(*)::int FROM (SELECT 1 FROM outbox LIMIT $1) AS o) AS backlog,
    (SELECT extract(epoch FROM clock_timestamp() - created_at)::float8 FROM outbox ORDER BY id LIMIT 1) AS oldest`;

/**
 * pg_advisory_lock(bigint) shows in pg_locks as classid = high 32 bits, objid = low 32 bits,
 * objsubid = 1 (two-int4 locks use objsubid = 2, so the event store's stream locks never match).
 * Advisory locks are per database, hence the database filter.
 */
const LOCK_HOLDERS = `SELECT k.key, l.pid, a.application_name
    FROM unnest($1::text[]) AS k(key)
    CROSS JOIN LATERAL (SELECT hashtextextended(k.key, 0) AS h) AS hashed
    LEFT JOIN pg_locks l ON l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid::bigint = ((hashed.h >> 32) & 4294967295) AND l.objid::bigint = (hashed.h & 4294967295)
    LEFT JOIN pg_stat_activity a ON a.pid = l.pid`;

/** Transaction ids are cluster-wide: a long writer in any database holds back every reader's horizon. */
const OLDEST_WRITER = `SELECT coalesce(extract(epoch FROM clock_timestamp() - min(xact_start)), 0)::float8 AS seconds
    FROM pg_stat_activity WHERE backend_xid IS NOT NULL`;

/** Who holds one advisory lock, if anyone. */
export interface LockHolder {
  held: boolean;
  pid: number | null;
  applicationName: string | null;
}

export interface StoredCheckpoint {
  position: Position | undefined;
  updatedAt: string;
}

export async function loadCheckpoint(
  pool: Pool,
  projection: string,
  version: number,
): Promise<StoredCheckpoint | undefined> {
  const { rows } = await pool.query<{ commit_pos: string; prepare_pos: string; updated_at: Date }>(
    'SELECT commit_pos, prepare_pos, updated_at FROM projection_checkpoints WHERE projection = $1 AND version = $2',
    [projection, version],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  const start = row.commit_pos === '0' && row.prepare_pos === '0';
  const position = start ? undefined : { commit: BigInt(row.commit_pos), prepare: BigInt(row.prepare_pos) };
  return { position, updatedAt: row.updated_at.toISOString() };
}

export async function countEventsAfter(pool: Pool, from: Position, limit: number): Promise<number> {
  const { rows } = await pool.query<{ n: number }>({
    name: 'read-model/lag-events-after',
    text: EVENTS_AFTER,
    values: [from.commit.toString(), from.prepare.toString(), limit],
  });
  return rows[0].n;
}

export async function outboxBacklog(
  pool: Pool,
  limit: number,
): Promise<{ backlog: number; oldestSeconds: number | null }> {
  const { rows } = await pool.query<{ backlog: number; oldest: number | null }>({
    name: 'read-model/lag-outbox',
    text: OUTBOX,
    values: [limit],
  });
  return { backlog: rows[0].backlog, oldestSeconds: rows[0].oldest };
}

export async function lockHolders(pool: Pool, keys: string[]): Promise<Map<string, LockHolder>> {
  const { rows } = await pool.query<{ key: string; pid: number | null; application_name: string | null }>({
    name: 'read-model/lag-lock-holders',
    text: LOCK_HOLDERS,
    values: [keys],
  });
  const holders = new Map<string, LockHolder>(
    keys.map((key) => [key, { held: false, pid: null, applicationName: null }]),
  );
  for (const row of rows) {
    if (row.pid !== null)
      holders.set(row.key, { held: true, pid: row.pid, applicationName: row.application_name || null });
  }
  return holders;
}

export async function oldestWriteTransactionSeconds(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ seconds: number }>({ name: 'read-model/lag-oldest-writer', text: OLDEST_WRITER });
  return rows[0].seconds;
}
