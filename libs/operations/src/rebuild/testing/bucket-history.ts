import {
  BucketCommand,
  BucketEvent,
  BucketState,
  bucketStream,
  decide,
  evolve,
  initialState,
  isDomainError,
  isLive,
  parseQuantity,
} from '@ledger/domain';
import type { EventStore, NewEvent, Position } from '@ledger/event-store';

export interface HistoryStep {
  stream: string;
  events: BucketEvent[];
  expected: bigint | 'no_stream';
  now: string;
}

interface Tracked {
  state: BucketState;
  revision: bigint | 'no_stream';
}

const VALID_FOR = { startDateTime: '2025-01-01T00:00:00Z', endDateTime: '2030-01-01T00:00:00Z' };

/** A small deterministic PRNG (mulberry32): the same seed yields the same history in every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Realistic bucket histories decided by the real domain: opens, confirmed and pending topups,
 * confirmations, cancellations with and without reversal, credits and debits, suspensions and a
 * few deletions. A command the domain refuses is skipped, so every step is an accepted one.
 */
export class BucketHistory {
  private readonly buckets = new Map<string, Tracked>();
  private readonly random: () => number;
  private clockMs = Date.parse('2025-03-01T10:00:00Z');
  private ids = 0;

  constructor(private readonly options: { buckets: number; prefix?: string; seed?: number }) {
    this.random = prng(options.seed ?? 42);
  }

  next(): HistoryStep {
    for (;;) {
      const bucketId = `${this.options.prefix ?? 'b'}-${Math.floor(this.random() * this.options.buckets)}`;
      const tracked = this.buckets.get(bucketId) ?? { state: initialState(), revision: 'no_stream' as const };
      const now = new Date((this.clockMs += 1000)).toISOString();
      const events = this.tryDecide(tracked.state, this.command(bucketId, tracked.state, now));
      if (events.length === 0) continue;
      const step = { stream: bucketStream(bucketId), events, expected: tracked.revision, now };
      const last = (tracked.revision === 'no_stream' ? -1n : tracked.revision) + BigInt(events.length);
      this.buckets.set(bucketId, { state: events.reduce(evolve, tracked.state), revision: last });
      return step;
    }
  }

  private tryDecide(state: BucketState, command: BucketCommand | undefined): BucketEvent[] {
    if (!command) return [];
    try {
      return decide(state, command);
    } catch (error) {
      if (isDomainError(error)) return [];
      throw error;
    }
  }

  private command(bucketId: string, state: BucketState, now: string): BucketCommand | undefined {
    const metadata = { now };
    if (state.status === 'none') {
      const data = {
        bucketId,
        name: `bucket ${bucketId}`,
        product: [{ id: `p-${bucketId}` }],
        partyAccount: { id: `acc-${bucketId}` },
        relatedParty: [{ id: `party-${bucketId}`, role: 'customer' }],
        amount: this.eur(),
        validFor: VALID_FOR,
      };
      return { type: 'OpenBucket', data, metadata };
    }
    if (!isLive(state)) return undefined;
    const r = this.random();
    const topups = [...state.topups.entries()];
    const pick = (status: string) => topups.filter(([, t]) => t.status === status).map(([id]) => id)[0];
    if (r < 0.3)
      return {
        type: 'TopupBalance',
        data: { topupId: this.id('t'), bucketId, amount: this.eur(), channel: { id: 'web' } },
        metadata,
      };
    if (r < 0.42)
      return {
        type: 'TopupBalance',
        data: { topupId: this.id('t'), bucketId, amount: this.eur(), status: 'in progress' },
        metadata,
      };
    if (r < 0.52 && pick('in progress'))
      return { type: 'ConfirmTopup', data: { bucketId, topupId: pick('in progress') }, metadata };
    if (r < 0.6 && topups.length > 0) {
      const topupId = topups[Math.floor(this.random() * topups.length)][0];
      return { type: 'CancelTopup', data: { bucketId, topupId }, metadata };
    }
    if (r < 0.88) {
      const amount = parseQuantity({
        amount: `${this.random() < 0.5 ? '-' : ''}${1 + Math.floor(this.random() * 40)}.25`,
        units: 'EUR',
      });
      return {
        type: 'AdjustBalance',
        data: { adjustmentId: this.id('a'), bucketId, amount, reason: 'goodwill' },
        metadata,
      };
    }
    // Only buckets whose number ends in 5 can be deleted, so a long history keeps most buckets alive.
    if (r > 0.96 && bucketId.endsWith('5')) return { type: 'DeleteBucket', data: { bucketId }, metadata };
    return {
      type: 'ChangeBucketStatus',
      data: { bucketId, status: state.status === 'active' ? 'suspended' : 'active', reason: 'ops' },
      metadata,
    };
  }

  private eur() {
    return parseQuantity({ amount: `${1 + Math.floor(this.random() * 90)}.5`, units: 'EUR' });
  }

  private id(kind: string): string {
    return `${this.options.prefix ?? 'b'}-${kind}-${++this.ids}`;
  }
}

export function toNewEvents(events: BucketEvent[]): NewEvent[] {
  return events.map((e) => ({ type: e.type, data: e.data as unknown as Record<string, unknown> }));
}

/** Appends `steps` accepted commands through the store; returns the position of the last append. */
export async function appendHistory(
  store: EventStore,
  history: BucketHistory,
  steps: number,
): Promise<Position | undefined> {
  let position: Position | undefined;
  for (let i = 0; i < steps; i++) {
    const step = history.next();
    position = (await store.append(step.stream, toNewEvents(step.events), step.expected)).position;
  }
  return position;
}
