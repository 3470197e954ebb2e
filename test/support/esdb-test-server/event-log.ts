/**
 * The storage behind the EventStoreDB test server: one in-memory log in global order plus a
 * per-stream index, with EventStoreDB's append rules (expected revision and idempotence by event
 * id). See esdb-test-server.ts for what the double implements and what it does not.
 */

export interface StoredEvent {
  /** UUID as the client sent it (the server echoes ids back unchanged). */
  id: string;
  stream: string;
  revision: bigint;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
  /** 100 ns ticks since the Unix epoch, which is what EventStoreDB sends as `created`. */
  created: bigint;
  /** Log position: commit and prepare are equal for events written by an Append call. */
  position: bigint;
}

export interface ProposedEvent {
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
}

export type ExpectedState =
  { kind: 'any' } | { kind: 'no_stream' } | { kind: 'stream_exists' } | { kind: 'revision'; revision: bigint };

export type StreamState = bigint | 'no_stream';

export type AppendOutcome =
  | { kind: 'success'; current: StreamState; position: bigint | undefined }
  | { kind: 'wrong_expected_version'; current: StreamState };

/** What the idempotence check decided: write the events, report earlier ones, or refuse. */
type CommitCheck = { kind: 'write' } | { kind: 'idempotent'; last: StoredEvent } | { kind: 'wrong' };

/** Fixed per-record overhead in the simulated log, so positions advance like byte offsets do. */
const RECORD_OVERHEAD = 96n;

export class EventLog {
  readonly all: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private nextPosition = 0n;
  private waiters = new Set<() => void>();

  constructor(private readonly clock: () => Date = () => new Date()) {}

  current(stream: string): StreamState {
    const events = this.streams.get(stream);
    return events && events.length > 0 ? events[events.length - 1].revision : 'no_stream';
  }

  streamEvents(stream: string): StoredEvent[] | undefined {
    return this.streams.get(stream);
  }

  /**
   * One Append call, applied atomically (the whole call runs synchronously on the event loop).
   * Idempotence follows EventStoreDB: with an exact expected revision below the stream's current
   * one, events whose ids match those already at the following revisions are reported as written
   * instead of being written again; with `any`/`stream_exists` the ids are looked up in the stream.
   * A partial match is EventStoreDB's "corrupted idempotency", reported as wrong expected version.
   */
  append(stream: string, expected: ExpectedState, proposed: ProposedEvent[]): AppendOutcome {
    const existing = this.streams.get(stream) ?? [];
    const current = this.current(stream);
    const check = this.commitCheck(existing, current, expected, proposed);
    if (check.kind === 'wrong') return { kind: 'wrong_expected_version', current };
    if (check.kind === 'idempotent')
      return { kind: 'success', current: check.last.revision, position: check.last.position };
    if (proposed.length === 0) return { kind: 'success', current, position: undefined };
    const created = BigInt(this.clock().getTime()) * 10_000n;
    let revision = current === 'no_stream' ? 0n : current + 1n;
    const written = proposed.map((event): StoredEvent => {
      const stored = { ...event, stream, revision: revision++, created, position: this.nextPosition };
      this.nextPosition +=
        RECORD_OVERHEAD + BigInt(Buffer.byteLength(stream) + event.data.length + event.customMetadata.length);
      return stored;
    });
    if (!this.streams.has(stream)) this.streams.set(stream, existing);
    existing.push(...written);
    this.all.push(...written);
    const last = written[written.length - 1];
    this.notify();
    return { kind: 'success', current: last.revision, position: last.position };
  }

  /** Index of the first event at or after (`inclusive`) or strictly after `position`. */
  indexFrom(position: bigint, inclusive: boolean): number {
    let [low, high] = [0, this.all.length];
    while (low < high) {
      const middle = (low + high) >>> 1;
      const p = this.all[middle].position;
      if (inclusive ? p >= position : p > position) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  /** Resolves on the next append or on cancel; used by live subscriptions. */
  nextAppend(): { done: Promise<void>; cancel(): void } {
    let cancel = () => {};
    const done = new Promise<void>((resolve) => {
      const wake = () => {
        this.waiters.delete(wake);
        resolve();
      };
      this.waiters.add(wake);
      cancel = wake;
    });
    return { done, cancel };
  }

  /** Test hook: replaces an event's data in place, as an edit of the database files would. */
  rewriteData(stream: string, revision: bigint, data: Uint8Array): void {
    const event = this.streams.get(stream)?.find((candidate) => candidate.revision === revision);
    if (!event) throw new Error(`the test server has no event ${stream}@${revision}`);
    event.data = data;
  }

  private notify(): void {
    const waiters = [...this.waiters];
    for (const wake of waiters) wake();
  }

  private commitCheck(
    existing: StoredEvent[],
    current: StreamState,
    expected: ExpectedState,
    proposed: ProposedEvent[],
  ): CommitCheck {
    if (expected.kind === 'any' || expected.kind === 'stream_exists') {
      if (expected.kind === 'stream_exists' && current === 'no_stream') return { kind: 'wrong' };
      if (proposed.length === 0) return { kind: 'write' };
      const start = existing.findIndex((event) => event.id === proposed[0].id);
      if (start < 0) return { kind: 'write' };
      return this.matchFrom(existing, start, proposed);
    }
    const expectedRevision = expected.kind === 'no_stream' ? -1n : expected.revision;
    const currentRevision = current === 'no_stream' ? -1n : current;
    if (expectedRevision === currentRevision) return { kind: 'write' };
    if (expectedRevision > currentRevision || proposed.length === 0) return { kind: 'wrong' };
    return this.matchFrom(existing, Number(expectedRevision + 1n), proposed);
  }

  private matchFrom(existing: StoredEvent[], start: number, proposed: ProposedEvent[]): CommitCheck {
    for (const [offset, event] of proposed.entries()) {
      if (existing[start + offset]?.id !== event.id) return { kind: 'wrong' };
    }
    return { kind: 'idempotent', last: existing[start + proposed.length - 1] };
  }
}
