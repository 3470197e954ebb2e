import type { RecordedEvent } from '../event-store.port';

/** LISTEN/NOTIFY channel; NOTIFY is scoped to the database, so each database has its own. */
export const APPEND_CHANNEL = 'event_store_appended';

const EVENT_COLUMNS = 'transaction_id, global_position, event_id, stream_id, revision, event_type, data, metadata';

/**
 * The read horizon: every transaction id below the oldest one still running has finished, so no
 * row can ever appear below it again. Computed once per statement (an InitPlan), it bounds the
 * index range scan on (transaction_id, global_position).
 */
const HORIZON = '(SELECT pg_snapshot_xmin(pg_current_snapshot()))';

export const SQL = {
  // The same lock event_store.append_events takes (see the migration for why it is not a row lock).
  lockStream: 'SELECT pg_advisory_xact_lock(1163088978, hashtext($1))',
  streamState: `SELECT s.last_revision AS stream_revision, s.last_hash, c.stream_id AS command_stream, c.fingerprint,
      c.first_revision, c.last_revision, c.commit_xid, c.prepare
    FROM (SELECT) AS one
    LEFT JOIN event_store.streams s ON s.stream_id = $1
    LEFT JOIN event_store.commands c ON c.command_id = $2`,
  eventPosition:
    'SELECT transaction_id, global_position FROM event_store.events WHERE stream_id = $1 AND revision = $2',
  streamExists: 'SELECT 1 FROM event_store.streams WHERE stream_id = $1',
  // One multi-row insert, the stream row, the command id and the wake-up, in one statement.
  append: 'SELECT commit_xid, prepare FROM event_store.append_events($1, $2, $3, $4, $5, $6, $7)',
  readAll: `SELECT ${EVENT_COLUMNS} FROM event_store.events
    WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint) AND transaction_id < ${HORIZON}
    ORDER BY transaction_id, global_position
    LIMIT $3`,
  headPosition: `SELECT transaction_id, global_position FROM event_store.events
    WHERE transaction_id < ${HORIZON}
    ORDER BY transaction_id DESC, global_position DESC
    LIMIT 1`,
  readStreamForwards: `SELECT ${EVENT_COLUMNS} FROM event_store.events
    WHERE stream_id = $1 AND revision >= $2 ORDER BY revision LIMIT $3`,
  readStreamBackwards: `SELECT ${EVENT_COLUMNS} FROM event_store.events
    WHERE stream_id = $1 AND revision <= $2 ORDER BY revision DESC LIMIT $3`,
} as const;

/** int8 and xid8 arrive as strings: pg-types leaves them unparsed so no precision is lost. */
export interface EventRow {
  transaction_id: string;
  global_position: string;
  event_id: string;
  stream_id: string;
  revision: string;
  event_type: string;
  data: RecordedEvent['data'];
  metadata: RecordedEvent['metadata'];
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    type: row.event_type,
    data: row.data,
    metadata: row.metadata,
    stream: row.stream_id,
    revision: BigInt(row.revision),
    position: { commit: BigInt(row.transaction_id), prepare: BigInt(row.global_position) },
  };
}
