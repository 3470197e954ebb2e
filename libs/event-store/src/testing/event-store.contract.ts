import { randomBytes, randomUUID } from 'node:crypto';
import type { EventStore, NewEvent, Position, RecordedEvent, Subscription } from '../event-store.port';
import { CommandIdConflict, StreamVersionConflict } from '../event-store.errors';
import { GENESIS_HASH, verifyStream } from '../hash-chain';
import { comparePositions, START } from '../position';
import { waitFor } from './wait-for';

/** Writes inside a transaction that stays open, so other writers commit around it. */
export interface ConcurrentWriters {
  /** Appends with expected revision 'any', holds the transaction for holdMs, then ends it. */
  appendHeld(stream: string, events: NewEvent[], holdMs: number, outcome: 'commit' | 'rollback'): Promise<void>;
}

export interface EventStoreHarness {
  store: EventStore;
  teardown(): Promise<void>;
  /** Rewrites a stored event's data behind the store's back, leaving its hash as it was. */
  tamper(stream: string, revision: bigint, data: Record<string, unknown>): Promise<void>;
  /** The next `count` global reads fail like a dropped connection; `pending()` counts the rest. */
  failNextReads(count: number): { pending(): number };
  concurrentWriters?: ConcurrentWriters;
}

export interface ContractExtras {
  /** Adapters with real transactions run the concurrent-writers test; the harness must then provide the hook. */
  concurrentWriters?: boolean;
}

type Checkpoint = Position | 'start';

const run = randomBytes(3).toString('hex');
let streams = 0;
const streamName = (label: string) => `${label}-${run}-${++streams}`;
type EventWithId = NewEvent & { id: string };
const event = (type: string, data: Record<string, unknown> = {}): EventWithId => ({ id: randomUUID(), type, data });
const ids = (events: Array<{ id: string }>) => events.map((e) => e.id);

async function checkpoint(store: EventStore): Promise<Checkpoint> {
  return (await store.headPosition()) ?? 'start';
}

/** Every event after `from` (paging with readAll) that belongs to one of `streamNames`. */
async function readAllOf(
  store: EventStore,
  from: Checkpoint,
  streamNames: string[],
  batchSize = 1000,
): Promise<RecordedEvent[]> {
  const mine: RecordedEvent[] = [];
  for (let position = from; ;) {
    const batch = await store.readAll(position, batchSize);
    if (batch.length === 0) return mine;
    mine.push(...batch.filter((e) => streamNames.includes(e.stream)));
    position = batch[batch.length - 1].position;
  }
}

function expectStrictlyIncreasing(events: RecordedEvent[]): void {
  for (let i = 1; i < events.length; i++) expect(comparePositions(events[i - 1].position, events[i].position)).toBe(-1);
}

interface Collector {
  events: RecordedEvent[];
  readonly maxInFlight: number;
  subscription: Subscription;
}

/** Subscribes and keeps the events of `streamNames`, noting how many handler calls overlapped. */
function collect(store: EventStore, from: Checkpoint, streamNames: string[], batchSize = 2): Collector {
  const events: RecordedEvent[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const subscription = store.subscribe(
    from,
    async (batch) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      events.push(...batch.filter((e) => streamNames.includes(e.stream)));
      inFlight--;
    },
    { batchSize },
  );
  return {
    events,
    subscription,
    get maxInFlight() {
      return maxInFlight;
    },
  };
}

const seen = (collector: Collector, count: number) => () => (collector.events.length >= count ? true : undefined);

/** Seeded, so batch sizes, delays and rollbacks are the same from run to run (interleavings are not). */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function describeEventStoreContract(
  name: string,
  factory: () => Promise<EventStoreHarness>,
  extras: ContractExtras = {},
): void {
  describe(`${name} (event store contract)`, () => {
    let h: EventStoreHarness;
    let store: EventStore;

    beforeAll(async () => {
      h = await factory();
      store = h.store;
    }, 60_000);

    afterAll(async () => {
      await h?.teardown();
    });

    describe('append with an expected revision', () => {
      it('creates a stream with no_stream and reports first and last revision and position', async () => {
        const s = streamName('new');
        const result = await store.append(s, [event('Opened'), event('ToppedUp')], 'no_stream');
        const read = await store.readStream(s);
        if (!read.found) throw new Error('stream not found');
        expect(result).toEqual({
          duplicate: false,
          firstRevision: 0n,
          nextRevision: 1n,
          position: read.events[1].position,
        });
        expect(read.events.map((e) => e.revision)).toEqual([0n, 1n]);
      });

      it('rejects no_stream when the stream exists, carrying expected and actual', async () => {
        const s = streamName('exists');
        await store.append(s, [event('Opened')], 'no_stream');
        await expect(store.append(s, [event('Opened')], 'no_stream')).rejects.toThrow(StreamVersionConflict);
        await expect(store.append(s, [event('Opened')], 'no_stream')).rejects.toMatchObject({
          stream: s,
          expected: 'no_stream',
          actual: 0n,
        });
      });

      it('appends at the exact last revision and rejects any other, carrying expected and actual', async () => {
        const s = streamName('exact');
        await store.append(s, [event('Opened')], 'no_stream');
        const result = await store.append(s, [event('ToppedUp')], 0n);
        expect(result).toMatchObject({ firstRevision: 1n, nextRevision: 1n });
        await expect(store.append(s, [event('ToppedUp')], 0n)).rejects.toMatchObject({
          name: 'StreamVersionConflict',
          expected: 0n,
          actual: 1n,
        });
        await expect(store.append(s, [event('ToppedUp')], 5n)).rejects.toMatchObject({ expected: 5n, actual: 1n });
        await expect(store.append(streamName('missing'), [event('X')], 0n)).rejects.toMatchObject({
          expected: 0n,
          actual: 'no_stream',
        });
      });

      it('stream_exists requires the stream and any accepts both', async () => {
        const s = streamName('exists-any');
        await expect(store.append(s, [event('X')], 'stream_exists')).rejects.toMatchObject({
          expected: 'stream_exists',
          actual: 'no_stream',
        });
        expect(await store.append(s, [event('X')], 'any')).toMatchObject({ firstRevision: 0n, nextRevision: 0n });
        expect(await store.append(s, [event('Y')], 'stream_exists')).toMatchObject({
          firstRevision: 1n,
          nextRevision: 1n,
        });
        expect(await store.append(s, [event('Z'), event('Z')], 'any')).toMatchObject({
          firstRevision: 2n,
          nextRevision: 3n,
        });
      });

      it('lets exactly one of two appenders racing at the same revision win', async () => {
        const s = streamName('race');
        await store.append(s, [event('Opened')], 'no_stream');
        const [a, b] = [[event('A1'), event('A2')], [event('B1')]];
        const outcomes = await Promise.allSettled([store.append(s, a, 0n), store.append(s, b, 0n)]);
        const won = outcomes.findIndex((o) => o.status === 'fulfilled');
        const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect(lost.reason).toBeInstanceOf(StreamVersionConflict);
        expect(lost.reason).toMatchObject({ expected: 0n, actual: BigInt([a, b][won].length) });
        const read = await store.readStream(s);
        expect(read.found && ids(read.events).slice(1)).toEqual(ids([a, b][won]));
      });

      it('lets exactly one of two creators of the same new stream win', async () => {
        const s = streamName('race-new');
        const outcomes = await Promise.allSettled([
          store.append(s, [event('A')], 'no_stream'),
          store.append(s, [event('B')], 'no_stream'),
        ]);
        expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
        expect((outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({
          actual: 0n,
        });
      });

      it('lands every one of many concurrent appends with any, in one unbroken chain', async () => {
        const s = streamName('contended');
        const batches = Array.from({ length: 8 }, (_, i) => [event(`W${i}a`), event(`W${i}b`)]);
        const results = await Promise.all(batches.map((batch) => store.append(s, batch, 'any')));
        expect(results.map((r) => r.firstRevision).sort((a, b) => Number(a - b))).toEqual([
          0n,
          2n,
          4n,
          6n,
          8n,
          10n,
          12n,
          14n,
        ]);
        const read = await store.readStream(s);
        if (!read.found) throw new Error('stream not found');
        expect(verifyStream(read.events)).toEqual({ ok: true, count: 16 });
        for (const [i, r] of results.entries())
          expect(ids(read.events.slice(Number(r.firstRevision), Number(r.nextRevision) + 1))).toEqual(ids(batches[i]));
      });

      it('treats an empty append as a revision check that writes nothing', async () => {
        const s = streamName('empty');
        await store.append(s, [event('A'), event('B'), event('C')], 'no_stream');
        const before = await store.readStream(s);
        if (!before.found) throw new Error('stream not found');
        expect(await store.append(s, [], 2n)).toEqual({
          duplicate: false,
          firstRevision: 3n,
          nextRevision: 2n,
          position: before.events[2].position,
        });
        await expect(store.append(s, [], 1n)).rejects.toMatchObject({ expected: 1n, actual: 2n });
        expect(await store.readStream(s)).toEqual(before);
        const missing = streamName('empty-missing');
        expect(await store.append(missing, [], 'no_stream')).toEqual({
          duplicate: false,
          firstRevision: 0n,
          nextRevision: -1n,
          position: START,
        });
        await expect(store.append(missing, [], 'stream_exists')).rejects.toMatchObject({ actual: 'no_stream' });
        expect(await store.readStream(missing)).toEqual({ found: false });
      });

      it('stores type, data and metadata as given, and generates missing ids', async () => {
        const s = streamName('shape');
        const data = {
          amount: '12.50',
          units: 'EUR',
          nested: { list: [1, 'two', null, true], text: 'żółw ✓ "quoted" \\ back' },
        };
        const given = {
          id: randomUUID(),
          type: 'BalanceToppedUp',
          data,
          metadata: { correlationId: 'corr-1', actor: { subject: 'ops', clientId: 'console', roles: ['operator'] } },
        };
        await store.append(s, [given, { type: 'NoId', data: {} }], 'no_stream', { commandId: `cmd-${s}` });
        const read = await store.readStream(s);
        if (!read.found) throw new Error('stream not found');
        const [first, second] = read.events;
        expect(first).toMatchObject({ id: given.id, type: 'BalanceToppedUp', data, stream: s, revision: 0n });
        expect(first.metadata).toMatchObject({
          correlationId: 'corr-1',
          actor: { subject: 'ops', clientId: 'console', roles: ['operator'] },
          commandId: `cmd-${s}`,
          schemaVersion: 1,
        });
        expect(new Date(first.metadata.recordedAt).toISOString()).toBe(first.metadata.recordedAt);
        expect(second.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(second.id).not.toBe(first.id);
      });
    });

    describe('idempotent command ids', () => {
      it('returns the first result and appends nothing when the same command repeats', async () => {
        const s = streamName('cmd');
        const options = { commandId: `topup-${s}`, commandFingerprint: 'sha256:aa' };
        const first = await store.append(s, [event('Opened'), event('ToppedUp')], 'no_stream', options);
        await store.append(s, [event('Later')], 1n);
        const repeat = await store.append(s, [event('Opened'), event('ToppedUp')], 'no_stream', options);
        expect(repeat).toEqual({ ...first, duplicate: true });
        const read = await store.readStream(s);
        expect(read.found && read.events).toHaveLength(3);
      });

      it('rejects the same command id with another fingerprint or stream', async () => {
        const s = streamName('cmd-conflict');
        const commandId = `topup-${s}`;
        await store.append(s, [event('ToppedUp')], 'any', { commandId, commandFingerprint: 'one' });
        await expect(
          store.append(s, [event('ToppedUp')], 'any', { commandId, commandFingerprint: 'two' }),
        ).rejects.toThrow(CommandIdConflict);
        await expect(store.append(s, [event('ToppedUp')], 'any', { commandId })).rejects.toMatchObject({ commandId });
        await expect(
          store.append(streamName('other'), [event('ToppedUp')], 'any', { commandId, commandFingerprint: 'one' }),
        ).rejects.toMatchObject({ name: 'CommandIdConflict', commandId });
        const read = await store.readStream(s);
        expect(read.found && read.events).toHaveLength(1);
      });

      it.each([
        ['a new stream', 'no_stream' as const, false],
        ['an existing stream', 0n, true],
      ])('writes once when the same command races against itself on %s', async (_label, expected, seed) => {
        const s = streamName('cmd-race');
        if (seed) await store.append(s, [event('Opened')], 'no_stream');
        const options = { commandId: `race-${s}`, commandFingerprint: 'same' };
        const attempts = Array.from({ length: 6 }, () =>
          store.append(s, [event('ToppedUp'), event('Noted')], expected, options),
        );
        const results = await Promise.all(attempts);
        expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
        const written = results.find((r) => !r.duplicate);
        for (const r of results) expect({ ...r, duplicate: false }).toEqual(written);
        const read = await store.readStream(s);
        expect(read.found && read.events).toHaveLength(seed ? 3 : 2);
      });
    });

    describe('readStream', () => {
      const s = streamName('read');
      let all: RecordedEvent[];
      const revisions = (result: Awaited<ReturnType<EventStore['readStream']>>) =>
        result.found ? result.events.map((e) => e.revision) : 'not found';

      beforeAll(async () => {
        await store.append(s, [event('E0'), event('E1')], 'no_stream');
        await store.append(s, [event('E2'), event('E3'), event('E4')], 1n);
        const read = await store.readStream(s);
        all = read.found ? read.events : [];
      });

      it('reads forwards from the start, from a revision, and up to maxCount', async () => {
        expect(all.map((e) => e.type)).toEqual(['E0', 'E1', 'E2', 'E3', 'E4']);
        expect(revisions(await store.readStream(s, { from: 2n }))).toEqual([2n, 3n, 4n]);
        expect(revisions(await store.readStream(s, { maxCount: 2 }))).toEqual([0n, 1n]);
        expect(revisions(await store.readStream(s, { from: 1n, maxCount: 2 }))).toEqual([1n, 2n]);
        expect(revisions(await store.readStream(s, { from: 'start', direction: 'forwards' }))).toEqual([
          0n,
          1n,
          2n,
          3n,
          4n,
        ]);
      });

      it('reads backwards from the end or from a revision', async () => {
        expect(revisions(await store.readStream(s, { direction: 'backwards' }))).toEqual([4n, 3n, 2n, 1n, 0n]);
        expect(revisions(await store.readStream(s, { direction: 'backwards', from: 3n, maxCount: 2 }))).toEqual([
          3n,
          2n,
        ]);
        expect(revisions(await store.readStream(s, { direction: 'backwards', from: 'end', maxCount: 1 }))).toEqual([
          4n,
        ]);
        expect(revisions(await store.readStream(s, { direction: 'backwards', from: 'start' }))).toEqual([0n]);
      });

      it('finds an existing stream with nothing in range, and reports a missing one', async () => {
        expect(await store.readStream(s, { from: 'end' })).toEqual({ found: true, events: [] });
        expect(await store.readStream(s, { from: 9n })).toEqual({ found: true, events: [] });
        expect(await store.readStream(streamName('nowhere'))).toEqual({ found: false });
      });

      it('gives each event the same position as readAll does', async () => {
        const fromAll = await waitFor('the stream in readAll', async () => {
          const events = await readAllOf(store, 'start', [s]);
          return events.length === all.length ? events : undefined;
        });
        expect(fromAll).toEqual(all);
      });
    });

    describe('readAll', () => {
      it('returns events in append order across streams, with increasing positions', async () => {
        const from = await checkpoint(store);
        const [a, b] = [streamName('all-a'), streamName('all-b')];
        const appended = [[event('A0'), event('A1')], [event('B0')], [event('A2')]];
        await store.append(a, appended[0], 'no_stream');
        await store.append(b, appended[1], 'no_stream');
        await store.append(a, appended[2], 1n);
        const mine = await waitFor('four events in readAll', async () => {
          const events = await readAllOf(store, from, [a, b]);
          return events.length >= 4 ? events : undefined;
        });
        expect(ids(mine)).toEqual(ids(appended.flat()));
        expectStrictlyIncreasing(mine);
      });

      it('reads strictly after the given position and pages by batch size', async () => {
        const from = await checkpoint(store);
        const s = streamName('all-exclusive');
        const appended = [event('E0'), event('E1'), event('E2'), event('E3')];
        await store.append(s, appended, 'no_stream');
        const mine = await waitFor('the events in readAll', async () => {
          const events = await readAllOf(store, from, [s]);
          return events.length >= 4 ? events : undefined;
        });
        expect(ids(await readAllOf(store, mine[1].position, [s]))).toEqual(ids(appended.slice(2)));
        expect(await readAllOf(store, mine[3].position, [s])).toEqual([]);
        expect(await readAllOf(store, from, [s], 1)).toEqual(mine);
        expect(await store.readAll('start', 3)).toEqual(await store.readAll(START, 3));
      });

      it('reports a head position at or after the last append', async () => {
        const result = await store.append(streamName('head'), [event('E')], 'no_stream');
        await waitFor('the head to reach the append', async () => {
          const head = await store.headPosition();
          return head && comparePositions(head, result.position) >= 0 ? head : undefined;
        });
      });
    });

    describe('subscribe', () => {
      it('catches up, then goes live, delivering each event once, in order, one batch at a time', async () => {
        const from = await checkpoint(store);
        const [a, b] = [streamName('sub-a'), streamName('sub-b')];
        const before = [event('A0'), event('A1'), event('B0')];
        await store.append(a, before.slice(0, 2), 'no_stream');
        await store.append(b, before.slice(2), 'no_stream');
        const collector = collect(store, from, [a, b]);
        try {
          await waitFor('catch-up', seen(collector, 3));
          const live = [event('A2'), event('B1'), event('B2')];
          await store.append(a, live.slice(0, 1), 1n);
          await store.append(b, live.slice(1), 0n);
          await waitFor('live events', seen(collector, 6));
          expect(ids(collector.events)).toEqual(ids([...before, ...live]));
          expectStrictlyIncreasing(collector.events);
          expect(collector.maxInFlight).toBe(1);
        } finally {
          await collector.subscription.stop();
        }
      });

      it('resumes from its position without missing or repeating an event', async () => {
        const from = await checkpoint(store);
        const s = streamName('resume');
        const first = [event('E0'), event('E1'), event('E2')];
        await store.append(s, first, 'no_stream');
        const one = collect(store, from, [s]);
        expect(one.subscription.position).toEqual(from);
        await waitFor('the first subscription', seen(one, 3));
        await one.subscription.stop();
        expect(one.subscription.position).toEqual(one.events[2].position);
        const second = [event('E3'), event('E4')];
        await store.append(s, second, 2n);
        const two = collect(store, one.subscription.position, [s]);
        try {
          await waitFor('the resumed subscription', seen(two, 2));
          expect(ids([...one.events, ...two.events])).toEqual(ids([...first, ...second]));
        } finally {
          await two.subscription.stop();
        }
      });

      it('stops and calls onError when the handler fails, keeping the last good position', async () => {
        const s = streamName('failing');
        const from = await checkpoint(store);
        const good = await store.append(s, [event('Good')], 'no_stream');
        const bad = event('Bad');
        const handled: string[] = [];
        const boom = new Error('projection failed');
        let reported: unknown;
        const subscription = store.subscribe(
          from,
          async (batch) => {
            handled.push(...batch.filter((e) => e.stream === s).map((e) => e.type));
            if (batch.some((e) => e.id === bad.id)) throw boom;
          },
          { batchSize: 1, onError: (error) => (reported = error) },
        );
        await waitFor('the good event', () => (handled.includes('Good') ? true : undefined));
        await store.append(s, [bad, event('After')], 0n);
        await waitFor('onError', () => reported);
        await subscription.stop();
        expect(reported).toBe(boom);
        expect(subscription.position).toEqual(good.position);
        const witness = collect(store, subscription.position, [s]);
        await waitFor('a fresh subscription to see every later event', seen(witness, 2));
        await witness.subscription.stop();
        expect(handled).toEqual(['Good', 'Bad']);
      });

      it('retries failed reads by itself without missing or repeating an event', async () => {
        const from = await checkpoint(store);
        const s = streamName('flaky');
        await store.append(s, [event('E0')], 'no_stream');
        const retries: number[] = [];
        const events: RecordedEvent[] = [];
        const subscription = store.subscribe(
          from,
          async (batch) => {
            events.push(...batch.filter((e) => e.stream === s));
          },
          { batchSize: 1, onRetry: (_error, attempt) => retries.push(attempt) },
        );
        try {
          await waitFor('catch-up', () => (events.length === 1 ? true : undefined));
          const failures = h.failNextReads(3);
          await store.append(s, [event('E1'), event('E2')], 0n);
          await waitFor('the events after the failures', () =>
            events.length >= 3 && failures.pending() === 0 ? true : undefined,
          );
          expect(events.map((e) => e.revision)).toEqual([0n, 1n, 2n]);
          expect(retries).toEqual([1, 2, 3]);
        } finally {
          await subscription.stop();
        }
      });
    });

    describe('hash chain', () => {
      it('links every event of a stream from the genesis hash, across appends', async () => {
        const s = streamName('chain');
        await store.append(s, [event('A', { n: 1 }), event('B', { n: 2 })], 'no_stream');
        await store.append(s, [event('C', { n: 3 })], 1n);
        const read = await store.readStream(s);
        if (!read.found) throw new Error('stream not found');
        expect(read.events[0].metadata.prevHash).toBe(GENESIS_HASH);
        expect(read.events[2].metadata.prevHash).toBe(read.events[1].metadata.hash);
        expect(verifyStream(read.events)).toEqual({ ok: true, count: 3 });
      });

      it('detects an event edited in storage, at its revision', async () => {
        const s = streamName('tampered');
        await store.append(
          s,
          [
            event('ToppedUp', { amount: '10.00' }),
            event('ToppedUp', { amount: '5.00' }),
            event('Used', { amount: '1.00' }),
          ],
          'no_stream',
        );
        await h.tamper(s, 1n, { amount: '5000.00' });
        const read = await store.readStream(s);
        if (!read.found) throw new Error('stream not found');
        expect(read.events[1].data).toEqual({ amount: '5000.00' });
        expect(verifyStream(read.events)).toEqual({
          ok: false,
          brokenAt: 1n,
          reason: 'hash does not match the event content',
        });
      });
    });

    if (extras.concurrentWriters) {
      it('delivers every committed event exactly once, in order, while 16 writers commit and roll back', async () => {
        const writers = h.concurrentWriters;
        if (!writers) throw new Error('the harness declared concurrentWriters but does not provide the hook');
        const random = prng(20240611);
        const names = Array.from({ length: 6 }, () => streamName('busy'));
        for (const s of names) await store.append(s, [event('Opened')], 'no_stream');
        const collector = collect(store, await checkpoint(store), names, 37);
        const committed = new Set<string>();
        let rolledBack = 0;
        await Promise.all(
          Array.from({ length: 16 }, async () => {
            for (let i = 0; i < 15; i++) {
              const events = Array.from({ length: 1 + Math.floor(random() * 3) }, () => event('Busy'));
              const outcome = random() < 0.05 ? 'rollback' : 'commit';
              await writers.appendHeld(
                names[Math.floor(random() * names.length)],
                events,
                Math.floor(random() * 12),
                outcome,
              );
              if (outcome === 'commit') events.forEach((e) => committed.add(e.id));
              else rolledBack++;
            }
          }),
        );
        const sentinel = event('Sentinel');
        await store.append(names[0], [sentinel], 'any');
        try {
          await waitFor(
            'the sentinel',
            () => (collector.events.some((e) => e.id === sentinel.id) ? true : undefined),
            20_000,
          );
        } finally {
          await collector.subscription.stop();
        }
        const delivered = ids(collector.events.filter((e) => e.revision > 0n && e.id !== sentinel.id));
        expect(rolledBack).toBeGreaterThan(0);
        expect({
          missing: [...committed].filter((id) => !delivered.includes(id)).length,
          unexpected: delivered.filter((id) => !committed.has(id)).length,
          repeated: delivered.length - new Set(delivered).size,
        }).toEqual({ missing: 0, unexpected: 0, repeated: 0 });
        expectStrictlyIncreasing(collector.events);
        for (const s of names) {
          const revisions = collector.events.filter((e) => e.stream === s && e.revision > 0n).map((e) => e.revision);
          expect(revisions).toEqual(revisions.map((_r, i) => BigInt(i + 1)));
          const read = await store.readStream(s);
          expect(read.found && verifyStream(read.events)).toMatchObject({ ok: true });
        }
      }, 45_000);
    }
  });
}
