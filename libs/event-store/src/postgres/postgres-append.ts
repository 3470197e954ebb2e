import type { ClientBase, Pool } from 'pg';
import type { AppendOptions, AppendResult, ExpectedRevision, NewEvent, Position } from '../event-store.port';
import { assertExpectedRevision, CommandRecord, emptyAppendResult, repeatedCommandResult } from '../append-rules';
import { GENESIS_HASH } from '../hash-chain';
import { prepareEvents } from '../new-events';
import { START } from '../position';
import { SQL } from './postgres-queries';

type Queryable = Pool | ClientBase;

export interface AppendRequest {
  stream: string;
  events: NewEvent[];
  expected: ExpectedRevision;
  options: AppendOptions;
  recordedAt: string;
}

interface StreamHead {
  lastRevision: bigint;
  lastHash: string;
}

/**
 * Two round trips: read the stream head and the command id, then hand the hashed events to
 * event_store.append_events, which writes them only if nothing moved in between. 'stale' means
 * something did: the caller tries again (appendInTransaction cannot come back stale).
 */
export async function appendOnce(db: Queryable, request: AppendRequest): Promise<AppendResult | 'stale'> {
  const { stream, events, expected, options } = request;
  const { head, command } = await streamState(db, stream, options.commandId);
  if (command) return repeatedCommandResult(command, stream, options);
  const current = head ? head.lastRevision : 'no_stream';
  assertExpectedRevision(stream, expected, current);
  if (events.length === 0) return emptyAppendResult(current, head ? await eventPosition(db, stream, head.lastRevision) : START);
  const firstRevision = head ? head.lastRevision + 1n : 0n;
  const prepared = prepareEvents({
    stream, firstRevision, prevHash: head?.lastHash ?? GENESIS_HASH, recordedAt: request.recordedAt, commandId: options.commandId,
  }, events);
  const last = prepared[prepared.length - 1];
  const { rows } = await db.query<{ commit_xid: string; prepare: string }>({
    name: 'event-store/append',
    text: SQL.append,
    values: [stream, head?.lastRevision.toString() ?? null, last.metadata.hash,
      JSON.stringify(prepared.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata }))),
      request.recordedAt, options.commandId ?? null, options.commandFingerprint ?? null],
  });
  if (rows.length === 0) return 'stale';
  const position = { commit: BigInt(rows[0].commit_xid), prepare: BigInt(rows[0].prepare) };
  return { duplicate: false, firstRevision, nextRevision: last.revision, position };
}

/**
 * The append inside a transaction the caller opened and will end: the stream lock is taken
 * before reading, so nothing can move and the write always goes through. It must be the
 * transaction's first write, or the transaction id would predate the lock (see the migration).
 */
export async function appendInTransaction(client: ClientBase, request: AppendRequest): Promise<AppendResult> {
  await client.query({ name: 'event-store/lock-stream', text: SQL.lockStream, values: [request.stream] });
  const result = await appendOnce(client, request);
  if (result === 'stale') throw new Error(`stream "${request.stream}" moved while its lock was held`);
  return result;
}

interface StreamStateRow {
  stream_revision: string | null;
  last_hash: string | null;
  command_stream: string | null;
  fingerprint: string | null;
  first_revision: string | null;
  last_revision: string | null;
  commit_xid: string | null;
  prepare: string | null;
}

async function streamState(db: Queryable, stream: string, commandId: string | undefined) {
  const { rows: [row] } = await db.query<StreamStateRow>({
    name: 'event-store/stream-state', text: SQL.streamState, values: [stream, commandId ?? null],
  });
  const head: StreamHead | undefined = row.stream_revision === null
    ? undefined
    : { lastRevision: BigInt(row.stream_revision), lastHash: row.last_hash as string };
  const command: CommandRecord | undefined = row.command_stream === null ? undefined : {
    stream: row.command_stream,
    fingerprint: row.fingerprint,
    firstRevision: BigInt(row.first_revision as string),
    lastRevision: BigInt(row.last_revision as string),
    position: { commit: BigInt(row.commit_xid as string), prepare: BigInt(row.prepare as string) },
  };
  return { head, command };
}

async function eventPosition(db: Queryable, stream: string, revision: bigint): Promise<Position> {
  const { rows } = await db.query({ text: SQL.eventPosition, values: [stream, revision.toString()] });
  return { commit: BigInt(rows[0].transaction_id), prepare: BigInt(rows[0].global_position) };
}
