/**
 * The event store port. Every adapter (in-memory, PostgreSQL, EventStoreDB) passes the same
 * contract suite in `testing/event-store.contract.ts`; callers depend on this file only.
 */

/** A place in the global order, compared lexicographically (see `comparePositions`). */
export interface Position {
  commit: bigint;
  prepare: bigint;
}

/** Revisions are 0-based; a number means "the stream's last revision is exactly this". */
export type ExpectedRevision = bigint | 'no_stream' | 'stream_exists' | 'any';

/** Who caused an event: the authenticated caller of the command, covered by the hash like the rest. */
export interface EventActor {
  subject: string;
  clientId: string;
  roles: string[];
}

export interface EventMetadataInput {
  correlationId?: string;
  causationId?: string;
  commandId?: string;
  actor?: EventActor;
  schemaVersion?: number;
  [k: string]: unknown;
}

export interface EventMetadata extends EventMetadataInput {
  /** RFC 3339, set by the store at append time and covered by the hash. */
  recordedAt: string;
  schemaVersion: number;
  prevHash: string;
  hash: string;
}

export interface NewEvent {
  /** A UUID; when absent it is derived from the command id (or random without one). */
  id?: string;
  type: string;
  /** Plain JSON: amounts travel as decimal strings, never bigint or binary floats. */
  data: Record<string, unknown>;
  metadata?: EventMetadataInput;
}

export interface RecordedEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  stream: string;
  revision: bigint;
  position: Position;
}

export interface AppendOptions {
  commandId?: string;
  commandFingerprint?: string;
}

export interface AppendResult {
  /** Revision of the last event written; -1n after an empty append to a stream that does not exist. */
  nextRevision: bigint;
  /** Position of the last event written (of the stream's last event after an empty append). */
  position: Position;
  /** True when the command id was already recorded: nothing was appended, the first result is returned. */
  duplicate: boolean;
  firstRevision: bigint;
}

export type ReadStreamResult = { found: false } | { found: true; events: RecordedEvent[] };

export interface ReadStreamOptions {
  /** Default: 'start' going forwards, 'end' going backwards. */
  from?: bigint | 'start' | 'end';
  direction?: 'forwards' | 'backwards';
  maxCount?: number;
}

export interface SubscribeOptions {
  batchSize?: number;
  /** Called once when the handler throws; the subscription has stopped by then. */
  onError?: (error: unknown) => void;
  /** Called on each failed read before it is retried with backoff (for logs and metrics). */
  onRetry?: (error: unknown, attempt: number) => void;
}

export type SubscriptionHandler = (batch: RecordedEvent[]) => Promise<void>;

export interface Subscription {
  /** Resolves once the in-flight handler call has settled; never await it inside the handler. */
  stop(): Promise<void>;
  /** The last position whose batch handler resolved (the `from` it started at until then). */
  readonly position: Position | 'start';
}

export interface EventStore {
  append(
    stream: string,
    events: NewEvent[],
    expected: ExpectedRevision,
    options?: AppendOptions,
  ): Promise<AppendResult>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<ReadStreamResult>;
  /** Events strictly after `from`, in global order. */
  readAll(from: Position | 'start', batchSize: number): Promise<RecordedEvent[]>;
  /** Catch-up then live, exclusive of `from`; batches are handled strictly in order, one at a time. */
  subscribe(from: Position | 'start', handler: SubscriptionHandler, options?: SubscribeOptions): Subscription;
  /** The newest position a reader can see now (for lag metrics); undefined when the store is empty. */
  headPosition(): Promise<Position | undefined>;
  /** Stops every subscription; connections passed in by the caller stay open. */
  close(): Promise<void>;
}

/** Nest DI token for the configured adapter. */
export const EVENT_STORE = Symbol('EVENT_STORE');
