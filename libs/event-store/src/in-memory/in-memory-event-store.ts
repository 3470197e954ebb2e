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
import {
  assertExpectedRevision,
  CommandRecord,
  emptyAppendResult,
  repeatedCommandResult,
  validateExpectedRevision,
} from '../append-rules';
import { DuplicateEventId } from '../event-store.errors';
import { GENESIS_HASH } from '../hash-chain';
import { prepareEvents, validateAppend } from '../new-events';
import { comparePositions, START } from '../position';
import { selectStreamEvents, validateBatchSize } from '../stream-reading';
import { CatchUpSubscription, DEFAULT_TIMING, SubscriptionTiming } from '../subscription/catch-up-subscription';
import { WakeSignal } from '../subscription/wake-signal';

export interface InMemoryEventStoreOptions {
  clock?: () => Date;
  timing?: Partial<SubscriptionTiming>;
}

/**
 * The port's semantics without I/O, for tests above the port. Each append runs synchronously
 * between its checks and its writes, which is what makes it atomic on one event loop.
 */
export class InMemoryEventStore implements EventStore {
  private readonly all: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly commands = new Map<string, CommandRecord>();
  private readonly ids = new Set<string>();
  private readonly signal = new WakeSignal();
  private readonly subscriptions = new Set<CatchUpSubscription>();
  private readonly timing: SubscriptionTiming;
  private commits = 0n;
  private failingReads = 0;

  constructor(private readonly options: InMemoryEventStoreOptions = {}) {
    this.timing = { ...DEFAULT_TIMING, ...options.timing };
  }

  async append(
    stream: string,
    events: NewEvent[],
    expected: ExpectedRevision,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    validateAppend(stream, events);
    validateExpectedRevision(expected);
    const recorded = options.commandId === undefined ? undefined : this.commands.get(options.commandId);
    if (recorded) return repeatedCommandResult(recorded, stream, options);
    const existing = this.streams.get(stream);
    const last = existing?.[existing.length - 1];
    assertExpectedRevision(stream, expected, last ? last.revision : 'no_stream');
    if (events.length === 0) return emptyAppendResult(last ? last.revision : 'no_stream', last?.position ?? START);
    const written = this.write(stream, last, events, options.commandId);
    return this.recordCommand(stream, written, options);
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<ReadStreamResult> {
    const events = this.streams.get(stream);
    if (!events) return { found: false };
    return { found: true, events: selectStreamEvents(events, options).map(copy) };
  }

  async readAll(from: Position | 'start', batchSize: number): Promise<RecordedEvent[]> {
    validateBatchSize(batchSize);
    if (this.failingReads > 0) {
      this.failingReads--;
      throw new Error('injected read failure');
    }
    const first = this.firstAfter(from === 'start' ? START : from);
    return this.all.slice(first, first + batchSize).map(copy);
  }

  subscribe(from: Position | 'start', handler: SubscriptionHandler, options?: SubscribeOptions): Subscription {
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
    return this.all[this.all.length - 1]?.position;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.subscriptions.clear();
  }

  /** Test hook: the next `count` global reads fail, as a dropped connection would. */
  failNextReads(count: number): void {
    this.failingReads = count;
  }

  get pendingReadFailures(): number {
    return this.failingReads;
  }

  /** Test hook: rewrites a stored event's data behind the hash chain's back. */
  tamperWithEvent(stream: string, revision: bigint, data: Record<string, unknown>): void {
    const event = this.streams.get(stream)?.find((candidate) => candidate.revision === revision);
    if (!event) throw new Error(`no event ${stream}@${revision}`);
    event.data = structuredClone(data);
  }

  private write(
    stream: string,
    last: RecordedEvent | undefined,
    events: NewEvent[],
    commandId?: string,
  ): RecordedEvent[] {
    const prepared = prepareEvents(
      {
        stream,
        firstRevision: last ? last.revision + 1n : 0n,
        prevHash: last?.metadata.hash ?? GENESIS_HASH,
        recordedAt: (this.options.clock?.() ?? new Date()).toISOString(),
        commandId,
      },
      events,
    );
    const duplicate = prepared.find((event) => this.ids.has(event.id));
    if (duplicate) throw new DuplicateEventId(duplicate.id);
    const commit = ++this.commits;
    const prepareBase = BigInt(this.all.length);
    const recorded = prepared.map((event, index) => ({
      ...event,
      position: { commit, prepare: prepareBase + BigInt(index) + 1n },
    }));
    this.all.push(...recorded);
    if (!this.streams.has(stream)) this.streams.set(stream, []);
    this.streams.get(stream)?.push(...recorded);
    for (const event of recorded) this.ids.add(event.id);
    this.signal.notify();
    return recorded;
  }

  /** Binary search: `all` is in position order. */
  private firstAfter(position: Position): number {
    let [low, high] = [0, this.all.length];
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (comparePositions(this.all[middle].position, position) > 0) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  private recordCommand(stream: string, written: RecordedEvent[], options: AppendOptions): AppendResult {
    const first = written[0];
    const last = written[written.length - 1];
    if (options.commandId !== undefined) {
      this.commands.set(options.commandId, {
        stream,
        fingerprint: options.commandFingerprint ?? null,
        firstRevision: first.revision,
        lastRevision: last.revision,
        position: last.position,
      });
    }
    return { duplicate: false, firstRevision: first.revision, nextRevision: last.revision, position: last.position };
  }
}

function copy(event: RecordedEvent): RecordedEvent {
  return structuredClone(event);
}
