import type { EventStore, RecordedEvent } from '@ledger/event-store';
import {
  type BucketState,
  bucketStream,
  effectiveStatus,
  evolveOwned,
  formatAmount,
  initialState,
  isBucketEvent,
} from '@ledger/domain';
import { REPLAY_PAGE_SIZE } from '../replay/stream-replay';

/** Where to stop folding: after the last event recorded at or before an instant, or at a revision. */
export type BalancePoint = { at: string; atMs: number } | { revision: bigint };

export interface BalanceQuantity {
  amount: string;
  units: string;
}

/** The bucket as its stream folds up to a point, read from the event store (never the read model). */
export interface BalanceAt {
  bucketId: string;
  status: 'active' | 'suspended' | 'expired' | 'deleted';
  amount?: BalanceQuantity;
  reservedAmount?: BalanceQuantity;
  creditLimit?: BalanceQuantity;
  validFor?: { startDateTime?: string; endDateTime?: string };
  /** The revision the fold stands on, and the event stored there. */
  revision: string;
  event: { id: string; type: string; recordedAt: string; position: { commit: string; prepare: string } };
  /** The point asked for, echoed. */
  at?: string;
}

export type BalanceAnswer =
  | { kind: 'found'; balance: BalanceAt }
  | { kind: 'no-stream' }
  /** The stream exists, but no event of it is at or before the point (or the revision is past its end). */
  | { kind: 'before-stream'; lastRevision: bigint | undefined };

/**
 * Folds the bucket's stream with the domain's own evolve, page by page, up to the point. Events are
 * taken in stream order and the fold stops at the first one recorded after `at`: the balance at an
 * instant is the state after every event the ledger had recorded by then.
 */
export async function balanceAt(store: EventStore, bucketId: string, point: BalancePoint): Promise<BalanceAnswer> {
  const stream = bucketStream(bucketId);
  let state: BucketState = initialState();
  let last: RecordedEvent | undefined;
  let from = 0n;
  for (;;) {
    const read = await store.readStream(stream, { from, maxCount: REPLAY_PAGE_SIZE });
    if (!read.found) return { kind: 'no-stream' };
    for (const event of read.events) {
      if (isPast(event, point)) return answer(state, last, point);
      const domainEvent = { type: event.type, data: event.data };
      if (isBucketEvent(domainEvent)) state = evolveOwned(state, domainEvent);
      last = event;
    }
    if (read.events.length < REPLAY_PAGE_SIZE) break;
    from = read.events[read.events.length - 1].revision + 1n;
  }
  if ('revision' in point && (last === undefined || last.revision < point.revision)) {
    return { kind: 'before-stream', lastRevision: last?.revision };
  }
  return answer(state, last, point);
}

function isPast(event: RecordedEvent, point: BalancePoint): boolean {
  return 'revision' in point ? event.revision > point.revision : Date.parse(event.metadata.recordedAt) > point.atMs;
}

function answer(state: BucketState, last: RecordedEvent | undefined, point: BalancePoint): BalanceAnswer {
  if (last === undefined || state.status === 'none') return { kind: 'before-stream', lastRevision: last?.revision };
  const event = {
    id: last.id,
    type: last.type,
    recordedAt: last.metadata.recordedAt,
    position: { commit: last.position.commit.toString(), prepare: last.position.prepare.toString() },
  };
  const base = { revision: last.revision.toString(), event, ...('at' in point ? { at: point.at } : {}) };
  if (state.status === 'deleted')
    return { kind: 'found', balance: { bucketId: state.bucketId, status: 'deleted', ...base } };
  const quantity = (micro: bigint) =>
    state.units === null ? undefined : { amount: formatAmount(micro), units: state.units };
  const validFor = {
    ...(state.validFor.startsAt === undefined
      ? {}
      : { startDateTime: new Date(state.validFor.startsAt).toISOString() }),
    ...(state.validFor.endsAt === undefined ? {} : { endDateTime: new Date(state.validFor.endsAt).toISOString() }),
  };
  return {
    kind: 'found',
    balance: {
      bucketId: state.bucketId,
      // As the API would have shown it then: past validFor.endDateTime a bucket reads as expired.
      status: effectiveStatus(state, 'atMs' in point ? point.atMs : Date.parse(last.metadata.recordedAt)),
      amount: quantity(state.amount),
      reservedAmount: quantity(state.reservedAmount),
      creditLimit: quantity(state.creditLimit),
      validFor,
      ...base,
    },
  };
}
