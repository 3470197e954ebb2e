import {
  type BucketCommand,
  type Quantity,
  bucketStream,
  foldBucket,
  formatAmount,
  isBucketEvent,
  parseQuantity,
} from '@ledger/domain';
import {
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  InMemoryEventStore,
  type NewEvent,
  type ReadStreamOptions,
  type ReadStreamResult,
  StreamVersionConflict,
} from '@ledger/event-store';
import { BucketCommandHandler, MAX_ATTEMPTS } from './bucket-command.handler';
import type { CommandIdentity } from './command-context';
import { IdempotencyConflict } from './idempotency';

const BUCKET = 'b-1';
const NOW = '2025-03-01T10:00:00Z';
const eur = (amount: string): Quantity => parseQuantity({ amount, units: 'EUR' });
const ACTOR = { subject: 'alice', clientId: 'back-office', roles: ['operator'] };
const plain: CommandIdentity = { correlationId: 'c-1', actor: ACTOR };
const keyed = (key: string, fingerprint = 'f-1'): CommandIdentity => ({
  correlationId: 'c-1',
  actor: ACTOR,
  commandId: `adjustment:${key}`,
  fingerprint,
});

const open = (amount: string): BucketCommand => ({
  type: 'OpenBucket',
  data: {
    bucketId: BUCKET,
    product: [{ id: 'p-1' }],
    amount: eur(amount),
    validFor: { startDateTime: '2025-01-01T00:00:00Z' },
  },
  metadata: { now: NOW },
});
const adjust = (id: string, amount: string): BucketCommand => ({
  type: 'AdjustBalance',
  data: { adjustmentId: id, bucketId: BUCKET, amount: eur(amount) },
  metadata: { now: NOW },
});

/** The real in-memory store, counting reads and optionally refusing appends, to see which path ran. */
class ObservedStore implements EventStore {
  reads = 0;
  appends = 0;
  refuseAppends = false;
  constructor(readonly inner: InMemoryEventStore) {}
  append(
    stream: string,
    events: NewEvent[],
    expected: ExpectedRevision,
    options?: AppendOptions,
  ): Promise<AppendResult> {
    this.appends++;
    if (this.refuseAppends) return Promise.reject(new StreamVersionConflict(stream, expected, 0n));
    return this.inner.append(stream, events, expected, options);
  }
  readStream(stream: string, options?: ReadStreamOptions): Promise<ReadStreamResult> {
    this.reads++;
    return this.inner.readStream(stream, options);
  }
  readAll = (...args: Parameters<EventStore['readAll']>) => this.inner.readAll(...args);
  subscribe = (...args: Parameters<EventStore['subscribe']>) => this.inner.subscribe(...args);
  headPosition = () => this.inner.headPosition();
  close = () => this.inner.close();
}

async function balance(store: EventStore): Promise<string> {
  const read = await store.readStream(bucketStream(BUCKET));
  const events = (read.found ? read.events : []).flatMap((e) => {
    const event = { type: e.type, data: e.data };
    return isBucketEvent(event) ? [event] : [];
  });
  const state = foldBucket(events);
  if (state.status === 'none' || state.status === 'deleted') throw new Error(`no live bucket: ${state.status}`);
  return formatAmount(state.amount);
}

describe('BucketCommandHandler', () => {
  let memory: InMemoryEventStore;
  let store: ObservedStore;
  let handler: BucketCommandHandler;
  /** Another API process on the same store: its own handler, its own remembered states. */
  let other: BucketCommandHandler;

  beforeEach(() => {
    memory = new InMemoryEventStore();
    store = new ObservedStore(memory);
    handler = new BucketCommandHandler(store, { cacheBuckets: 100 });
    other = new BucketCommandHandler(memory, { cacheBuckets: 100 });
  });

  it("records the caller in every event's metadata, next to the correlation id", async () => {
    await handler.handle(BUCKET, open('10'), plain);
    await handler.handle(BUCKET, adjust('a-1', '5'), keyed('k-1'));
    const read = await memory.readStream(bucketStream(BUCKET));
    const events = read.found ? read.events : [];
    expect(events).toHaveLength(2);
    for (const event of events) expect(event.metadata).toMatchObject({ actor: ACTOR, correlationId: 'c-1' });
  });

  describe('when the bucket is remembered', () => {
    beforeEach(async () => {
      await handler.handle(BUCKET, open('10'), plain);
      store.reads = 0;
      store.appends = 0;
    });

    it('decides and appends without reading the stream', async () => {
      const outcome = await handler.handle(BUCKET, adjust('a-1', '5'), plain);
      expect(outcome.duplicate).toBe(false);
      expect(outcome.events.map((e) => e.type)).toEqual(['BalanceAdjusted']);
      expect(store.reads).toBe(0);
      expect(await balance(memory)).toBe('15');
    });

    it('retries on a version conflict, deciding again on the events it missed', async () => {
      await other.handle(BUCKET, adjust('a-other', '100'), plain);
      const outcome = await handler.handle(BUCKET, adjust('a-1', '5'), plain);
      expect(outcome.events[0].data).toMatchObject({ amountBefore: { amount: '110' }, amountAfter: { amount: '115' } });
      expect(store.appends).toBe(2);
      expect(await balance(memory)).toBe('115');
    });

    it('confirms a refusal on the latest state before answering: another writer credited meanwhile', async () => {
      await other.handle(BUCKET, adjust('a-other', '100'), plain);
      const outcome = await handler.handle(BUCKET, adjust('a-1', '-50'), plain);
      expect(outcome.events[0].data).toMatchObject({ amountBefore: { amount: '110' }, amountAfter: { amount: '60' } });
      expect(store.appends).toBe(1);
      expect(await balance(memory)).toBe('60');
    });

    it('refuses when the latest state still refuses, and appends nothing', async () => {
      const before = await memory.readStream(bucketStream(BUCKET));
      await expect(handler.handle(BUCKET, adjust('a-1', '-50'), plain)).rejects.toMatchObject({
        code: 'BUCKET.INSUFFICIENT_BALANCE',
      });
      expect(store.reads).toBe(1);
      const after = await memory.readStream(bucketStream(BUCKET));
      expect(after).toEqual(before);
    });

    it('gives up with the conflict after a bounded number of attempts', async () => {
      store.refuseAppends = true;
      await expect(handler.handle(BUCKET, adjust('a-1', '1'), plain)).rejects.toBeInstanceOf(StreamVersionConflict);
      expect(store.appends).toBe(MAX_ATTEMPTS);
    });
  });

  describe('when a keyed command is retried', () => {
    beforeEach(async () => {
      await handler.handle(BUCKET, open('10'), plain);
    });

    it('answers with the first execution once the balance has since gone down, appending nothing', async () => {
      const first = await handler.handle(BUCKET, adjust('a-1', '-8'), keyed('k-1'));
      await handler.handle(BUCKET, adjust('a-2', '-2'), plain);
      const retry = await handler.handle(BUCKET, adjust('a-retry', '-8'), keyed('k-1'));
      expect(retry.duplicate).toBe(true);
      expect(retry.events.map((e) => e.data)).toEqual(first.events.map((e) => e.data));
      expect(await balance(memory)).toBe('0');
    });

    it('recovers the outcome recorded by another process from the store', async () => {
      const first = await other.handle(BUCKET, adjust('a-1', '3'), keyed('k-2'));
      const retry = await handler.handle(BUCKET, adjust('a-retry', '3'), keyed('k-2'));
      expect(retry).toMatchObject({ duplicate: true });
      expect((retry.events[0].data as { adjustmentId: string }).adjustmentId).toBe(
        (first.events[0].data as { adjustmentId: string }).adjustmentId,
      );
      expect(await balance(memory)).toBe('13');
    });

    it('refuses the same key with another request', async () => {
      await handler.handle(BUCKET, adjust('a-1', '3'), keyed('k-3', 'f-1'));
      await expect(handler.handle(BUCKET, adjust('a-2', '4'), keyed('k-3', 'f-2'))).rejects.toBeInstanceOf(
        IdempotencyConflict,
      );
      expect(await balance(memory)).toBe('13');
    });
  });

  it('runs commands on one bucket one at a time: 50 concurrent credits all land', async () => {
    await handler.handle(BUCKET, open('0'), plain);
    await Promise.all(Array.from({ length: 50 }, (_, i) => handler.handle(BUCKET, adjust(`a-${i}`, '1'), plain)));
    expect(await balance(memory)).toBe('50');
  });
});
