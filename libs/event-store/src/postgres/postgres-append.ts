import type { ClientBase, Pool } from 'pg';
import type { LRUCache } from 'lru-cache';
import type { AppendOptions, AppendResult, ExpectedRevision, NewEvent, Position } from '../event-store.port';
import { assertExpectedRevision, CommandRecord, emptyAppendResult, repeatedCommandResult } from '../append-rules';
import { GENESIS_HASH, LinkedEvent } from '../hash-chain';
import { prepareEventText } from '../new-events';
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

export interface StreamHead {
  lastRevision: bigint;
  lastHash: string;
}

/**
 * Heads of streams this process appended to or read to the end. A hint only: append_events
 * checks the expected last revision under the stream's lock, and a revision's hash never changes,
 * so a stale entry costs one more round trip and never a wrong write.
 */
export class StreamHeads {
  constructor(private readonly heads: LRUCache<string, StreamHead>) {}

  /** The head to chain onto without asking the store, or undefined to ask it. null: a new stream. */
  guess(stream: string, expected: ExpectedRevision): StreamHead | null | undefined {
    const head = this.heads.get(stream);
    if (expected === 'no_stream') return head ? undefined : null;
    if (typeof expected === 'bigint') return head?.lastRevision === expected ? head : undefined;
    return head;
  }

  seen(stream: string, head: StreamHead): void {
    const known = this.heads.get(stream);
    if (!known || known.lastRevision < head.lastRevision) this.heads.set(stream, head);
  }

  forget(stream: string): void {
    this.heads.delete(stream);
  }
}

/**
 * One round trip when the stream's head is known (the command handler's case): chain onto it and
 * let event_store.append_events check it. Otherwise, or when that finds the stream moved or the
 * command id recorded, two: read the stream head and the command id, then append. 'stale' means
 * the stream moved between the two: the caller tries again (appendInTransaction cannot come back
 * stale).
 */
export async function appendOnce(
  db: Queryable,
  request: AppendRequest,
  heads?: StreamHeads,
): Promise<AppendResult | 'stale'> {
  const { stream, events, expected, options } = request;
  const guess = events.length > 0 ? heads?.guess(stream, expected) : undefined;
  if (guess !== undefined) {
    const written = await write(db, request, guess ?? undefined, heads);
    if (written) return written;
    heads?.forget(stream);
  }
  const { head, command } = await streamState(db, stream, options.commandId);
  if (command) return repeatedCommandResult(command, stream, options);
  const current = head ? head.lastRevision : 'no_stream';
  assertExpectedRevision(stream, expected, current);
  if (events.length === 0)
    return emptyAppendResult(current, head ? await eventPosition(db, stream, head.lastRevision) : START);
  return (await write(db, request, head, heads)) ?? 'stale';
}

/** Hashes the events onto `head` and hands them to append_events; undefined if it wrote nothing. */
async function write(
  db: Queryable,
  request: AppendRequest,
  head: StreamHead | undefined,
  heads?: StreamHeads,
): Promise<AppendResult | undefined> {
  const { stream, events, options } = request;
  const firstRevision = head ? head.lastRevision + 1n : 0n;
  const prepared = prepareEventText(
    {
      stream,
      firstRevision,
      prevHash: head?.lastHash ?? GENESIS_HASH,
      recordedAt: request.recordedAt,
      commandId: options.commandId,
    },
    events,
  );
  const last = prepared[prepared.length - 1];
  const { rows } = await db.query<{ commit_xid: string; prepare: string }>({
    name: 'event-store/append',
    text: SQL.append,
    values: [
      stream,
      head?.lastRevision.toString() ?? null,
      last.hash,
      eventsJson(prepared),
      request.recordedAt,
      options.commandId ?? null,
      options.commandFingerprint ?? null,
    ],
  });
  if (rows.length === 0) return undefined;
  heads?.seen(stream, { lastRevision: last.revision, lastHash: last.hash });
  const position = { commit: BigInt(rows[0].commit_xid), prepare: BigInt(rows[0].prepare) };
  return { duplicate: false, firstRevision, nextRevision: last.revision, position };
}

/**
 * The append inside a transaction the caller opened and will end: the stream lock is taken
 * before reading, so nothing can move and the write always goes through. It must be the
 * transaction's first write, or the transaction id would predate the lock (see the migration).
 */
export async function appendInTransaction(
  client: ClientBase,
  request: AppendRequest,
  heads?: StreamHeads,
): Promise<AppendResult> {
  await client.query({ name: 'event-store/lock-stream', text: SQL.lockStream, values: [request.stream] });
  const result = await appendOnce(client, request, heads);
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
  const {
    rows: [row],
  } = await db.query<StreamStateRow>({
    name: 'event-store/stream-state',
    text: SQL.streamState,
    values: [stream, commandId ?? null],
  });
  const head: StreamHead | undefined =
    row.stream_revision === null
      ? undefined
      : { lastRevision: BigInt(row.stream_revision), lastHash: row.last_hash as string };
  const command: CommandRecord | undefined =
    row.command_stream === null
      ? undefined
      : {
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

/** The events as append_events reads them, built from the text the hash was computed over. */
function eventsJson(events: LinkedEvent[]): string {
  return `[${events.map((e) => `{"id":${JSON.stringify(e.id)},"type":${JSON.stringify(e.type)},"data":${e.data},"metadata":${e.metadata}}`).join(',')}]`;
}
