import { parseAmount } from '../amount/decimal';
import { type QuantityData, fromQuantityData } from '../amount/quantity';
import { parsePeriod } from '../time/time-period';
import type { BucketOpenedData } from './bucket.event-data';
import type { BucketEvent } from './bucket.events';
import { type BucketState, type LiveBucket, type TopupFacts, isLive } from './bucket.state';

/**
 * Folds one stored event into the state. Events are facts that already passed a decision, so
 * evolve never refuses one; an event that cannot apply to the state (which only a corrupted
 * stream would hold) leaves the state unchanged.
 */
export function evolve(state: BucketState, event: BucketEvent): BucketState {
  switch (event.type) {
    case 'BucketOpened':
      return state.status === 'none' ? opened(event.data) : state;
    case 'TopupRequested': {
      const { topupId, amount } = event.data;
      return onLive(state, (b) => withTopup(withUnits(b, amount), topupId, 'in progress', amount));
    }
    case 'BalanceToppedUp': {
      const { topupId, amount, amountAfter } = event.data;
      return onLive(state, (b) => withTopup(withBalance(b, amountAfter), topupId, 'confirmed', amount));
    }
    case 'TopupCancelled':
      return onLive(state, (b) => cancelled(b, event.data.topupId, event.data.reversal?.amountAfter));
    case 'BalanceAdjusted':
      return onLive(state, (b) => adjusted(b, event.data.adjustmentId, event.data.amountAfter));
    case 'BucketStatusChanged':
      return onLive(state, (b) => ({ ...b, status: event.data.status }));
    case 'BucketDeleted':
      return isLive(state) ? { status: 'deleted', bucketId: state.bucketId } : state;
    default: {
      const unexpected: never = event;
      return unexpected;
    }
  }
}

function opened(data: BucketOpenedData): LiveBucket {
  return {
    status: data.status,
    bucketId: data.bucketId,
    validFor: parsePeriod(data.validFor),
    units: data.amount?.units ?? null,
    amount: data.amount ? parseAmount(data.amount.amount) : 0n,
    reservedAmount: data.reservedAmount ? parseAmount(data.reservedAmount.amount) : 0n,
    creditLimit: data.creditLimit ? parseAmount(data.creditLimit.amount) : 0n,
    topups: new Map(),
    adjustmentIds: new Set(),
  };
}

function onLive(state: BucketState, apply: (bucket: LiveBucket) => LiveBucket): BucketState {
  return isLive(state) ? apply(state) : state;
}

function withUnits(bucket: LiveBucket, quantity: QuantityData): LiveBucket {
  return bucket.units === null ? { ...bucket, units: quantity.units } : bucket;
}

function withBalance(bucket: LiveBucket, after: QuantityData): LiveBucket {
  return { ...bucket, units: after.units, amount: parseAmount(after.amount) };
}

function adjusted(bucket: LiveBucket, adjustmentId: string, after: QuantityData): LiveBucket {
  return { ...withBalance(bucket, after), adjustmentIds: new Set(bucket.adjustmentIds).add(adjustmentId) };
}

function withTopup(bucket: LiveBucket, id: string, status: TopupFacts['status'], amount: QuantityData): LiveBucket {
  return withTopupFacts(bucket, id, { status, amount: fromQuantityData(amount) });
}

function cancelled(bucket: LiveBucket, topupId: string, after: QuantityData | undefined): LiveBucket {
  const topup = bucket.topups.get(topupId);
  if (topup === undefined) return bucket;
  const withStatus = withTopupFacts(bucket, topupId, { ...topup, status: 'cancelled' });
  return after === undefined ? withStatus : withBalance(withStatus, after);
}

function withTopupFacts(bucket: LiveBucket, topupId: string, facts: TopupFacts): LiveBucket {
  return { ...bucket, topups: new Map(bucket.topups).set(topupId, facts) };
}
