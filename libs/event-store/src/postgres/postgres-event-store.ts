import type { Pool, PoolClient } from 'pg';
import { LRUCache } from 'lru-cache';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  Position,
  ReadStreamOptions,
  ReadStreamResult,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionHandler,
} from '../event-store.port';
import { validateExpectedRevision } from '../append-rules';
import { DuplicateEventId } from '../event-store.errors';
import { validateAppend } from '../new-events';
import { toPosition } from '../position';
import { streamRange, validateBatchSize } from '../stream-reading';
import { CatchUpSubscription, DEFAULT_TIMING, SubscriptionTiming } from '../subscription/catch-up-subscription';
import { WakeSignal } from '../subscription/wake-signal';
import { AppendNotifier } from './append-notifier';
import { NotificationListener } from './notification-listener';
import { appendInTransaction, appendOnce, StreamHeads } from './postgres-append';
import { APPEND_CHANNEL, EventRow, SQL, toRecordedEvent } from './postgres-queries';

export interface PostgresEventStoreOptions {
  clock?: () => Date;
  timing?: Partial<SubscriptionTiming>;
  /** LISTEN/NOTIFY session trouble; subscriptions keep polling meanwhile. */
  onListenerError?: (error: unknown) => void;
  /** Pause before reopening a dropped LISTEN session (default 1 s). */
  listenerReconnectDelayMs?: number;
  /** Stream heads remembered so an append to a known head takes one round trip (default 100,000). */
  streamHeadCacheSize?: number;
}

/**
 * The one unique key a concurrent appender can beat us to despite the stream lock: the same
 * command id aimed at two streams. Retrying re-reads the winner and reports the conflict.
 */
const RETRYABLE_CONSTRAINTS = new Set(['commands_pkey']);
const MAX_ATTEMPTS = 5;
const NO_UPPER_BOUND = '9223372036854775807';

/**
 * PostgreSQL adapter. The pool belongs to the caller; the store opens up to two sessions of its
 * own: LISTEN on the first subscribe, NOTIFY on the first append.
 */
export class PostgresEventStore implements EventStore {
  private readonly signal = new WakeSignal();
  private readonly subscriptions = new Set<CatchUpSubscription>();
  private readonly listener: NotificationListener;
  private readonly notifier: AppendNotifier;
  private readonly timing: SubscriptionTiming;
  private readonly heads: StreamHeads;

  constructor(
    private readonly pool: Pool,
    connectionString: string,
    private readonly options: PostgresEventStoreOptions = {},
  ) {
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
    this.heads = new StreamHeads(new LRUCache({ max: Math.max(1, options.streamHeadCacheSize ?? 100_000) }));
    this.listener = new NotificationListener({
      connectionString,
      channel: APPEND_CHANNEL,
      onNotification: () => this.signal.notify(),
      onError: options.onListenerError,
      reconnectDelayMs: options.listenerReconnectDelayMs,
    });
    this.notifier = new AppendNotifier({ connectionString, channel: APPEND_CHANNEL, onError: options.onListenerError });
  }

  /**
   * The first attempt is optimistic and runs without an explicit transaction: one round trip when
   * this process knows the stream's head (see StreamHeads), two otherwise.
   * If the stream moved in between, later attempts lock the stream first, which always succeeds
   * unless the expected revision really is wrong; so contended 'any' appends cannot starve.
   */
  async append(
    stream: string,
    events: NewEvent[],
    expected: ExpectedRevision,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    validateAppend(stream, events);
    validateExpectedRevision(expected);
    for (let attempt = 1; ; attempt++) {
      try {
        const request = {
          stream,
          events,
          expected,
          options,
          recordedAt: (this.options.clock?.() ?? new Date()).toISOString(),
        };
        const result =
          attempt === 1
            ? await appendOnce(this.pool, request, this.heads)
            : await this.inTransaction((client) => appendInTransaction(client, request, this.heads));
        if (result === 'stale') continue;
        if (!result.duplicate && events.length > 0) this.wakeSubscribers();
        return result;
      } catch (error) {
        if (!isRetryable(error) || attempt >= MAX_ATTEMPTS) throw translate(error);
      }
    }
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<ReadStreamResult> {
    const range = streamRange(options);
    const rows = range.empty
      ? []
      : await this.queryEvents(
          range.direction === 'forwards' ? 'event-store/read-stream-forwards' : 'event-store/read-stream-backwards',
          range.direction === 'forwards' ? SQL.readStreamForwards : SQL.readStreamBackwards,
          [stream, range.from?.toString() ?? NO_UPPER_BOUND, range.maxCount ?? null],
        );
    if (rows.length === 0 && !(await this.streamExists(stream))) return { found: false };
    const events = rows.map(toRecordedEvent);
    // A read that reached the stream's end saw its head.
    const head =
      range.direction === 'forwards'
        ? range.maxCount === undefined || events.length < range.maxCount
          ? events.at(-1)
          : undefined
        : range.from === undefined
          ? events[0]
          : undefined;
    if (head) this.heads.seen(stream, { lastRevision: head.revision, lastHash: head.metadata.hash });
    return { found: true, events };
  }

  async readAll(from: Position | 'start', batchSize: number): Promise<RecordedEvent[]> {
    validateBatchSize(batchSize);
    const after = toPosition(from);
    const rows = await this.queryEvents('event-store/read-all', SQL.readAll, [
      after.commit.toString(),
      after.prepare.toString(),
      batchSize,
    ]);
    return rows.map(toRecordedEvent);
  }

  subscribe(from: Position | 'start', handler: SubscriptionHandler, options?: SubscribeOptions): Subscription {
    this.listener.start();
    const source = {
      read: (position: Position | 'start', size: number) => this.readAll(position, size),
      signal: this.signal,
    };
    const subscription = new CatchUpSubscription(source, from, handler, options, this.timing);
    this.subscriptions.add(subscription);
    // done settles once the loop has ended; either way the subscription is no longer ours to stop.
    const forget = () => this.subscriptions.delete(subscription);
    subscription.done.then(forget, forget);
    return subscription;
  }

  async headPosition(): Promise<Position | undefined> {
    const { rows } = await this.pool.query<{ transaction_id: string; global_position: string }>({
      name: 'event-store/head-position',
      text: SQL.headPosition,
    });
    return rows[0] && { commit: BigInt(rows[0].transaction_id), prepare: BigInt(rows[0].global_position) };
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.subscriptions.clear();
    await Promise.all([this.listener.close(), this.notifier.close()]);
  }

  /** Subscriptions in this process at once; those elsewhere through the coalesced NOTIFY. */
  private wakeSubscribers(): void {
    this.signal.notify();
    this.notifier.notify();
  }

  private async queryEvents(name: string, text: string, values: unknown[]): Promise<EventRow[]> {
    const { rows } = await this.pool.query<EventRow>({ name, text, values });
    return rows;
  }

  private async streamExists(stream: string): Promise<boolean> {
    const { rowCount } = await this.pool.query({
      name: 'event-store/stream-exists',
      text: SQL.streamExists,
      values: [stream],
    });
    return (rowCount ?? 0) > 0;
  }

  private async inTransaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      client.release(broken);
    }
  }
}

function pgError(error: unknown): { code?: string; constraint?: string; detail?: string } {
  return typeof error === 'object' && error !== null ? (error as { code?: string }) : {};
}

/** A lost race on a command id, deadlocks and serialization failures: a new attempt sees the winner. */
function isRetryable(error: unknown): boolean {
  const { code, constraint } = pgError(error);
  if (code === '23505') return constraint !== undefined && RETRYABLE_CONSTRAINTS.has(constraint);
  return code === '40P01' || code === '40001';
}

function translate(error: unknown): unknown {
  const { code, constraint, detail } = pgError(error);
  if (code !== '23505' || constraint !== 'events_event_id_key') return error;
  return new DuplicateEventId(/\(event_id\)=\(([^)]+)\)/.exec(detail ?? '')?.[1] ?? 'unknown');
}
