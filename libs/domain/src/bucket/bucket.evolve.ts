import { parseAmount } from '../amount/decimal';
import { type QuantityData, fromQuantityData } from '../amount/quantity';
import { parseInstant, parsePeriod } from '../time/time-period';
import type { BalanceDeductedData, BalanceReservedData, BucketOpenedData } from './bucket.event-data';
import type { BucketEvent } from './bucket.events';
import { type BucketState, type LiveBucket, type ReservationFacts, type TopupFacts, isLive } from './bucket.state';

/**
 * Folds one stored event into the state. Events are facts that already passed a decision, so
 * evolve never refuses one; an event that cannot apply to the state (which only a corrupted
 * stream would hold) leaves the state unchanged. Pure: the state passed in is never changed.
 */
export function evolve(state: BucketState, event: BucketEvent): BucketState {
  return apply(state, event, false);
}

/**
 * The same fold for a caller that owns the state and never looks at the old one again (a fold
 * from the initial state, or a command handler's cached bucket): the topup and adjustment records
 * are extended in place instead of copied. Copying them made every event cost as much as the
 * bucket's whole history, so a stream of n events took n² work to fold.
 */
export function evolveOwned(state: BucketState, event: BucketEvent): BucketState {
  return apply(state, event, true);
}

function apply(state: BucketState, event: BucketEvent, owned: boolean): BucketState {
  switch (event.type) {
    case 'BucketOpened':
      return state.status === 'none' ? opened(event.data) : state;
    case 'TopupRequested': {
      const { topupId, amount } = event.data;
      return onLive(state, (b) => withTopup(withUnits(b, amount), topupId, 'in progress', amount, owned));
    }
    case 'BalanceToppedUp': {
      const { topupId, amount, amountAfter } = event.data;
      return onLive(state, (b) => withTopup(withBalance(b, amountAfter), topupId, 'confirmed', amount, owned));
    }
    case 'TopupCancelled':
      return onLive(state, (b) => cancelled(b, event.data.topupId, event.data.reversal?.amountAfter, owned));
    case 'BalanceAdjusted':
      return onLive(state, (b) => adjusted(b, event.data.adjustmentId, event.data.amountAfter, owned));
    case 'BucketStatusChanged':
      return onLive(state, (b) => ({ ...b, status: event.data.status }));
    case 'BucketDeleted':
      return isLive(state) ? { status: 'deleted', bucketId: state.bucketId } : state;
    case 'BalanceReserved':
      return onLive(state, (b) => reserved(b, event.data, owned));
    case 'ReservationExtended': {
      const { reservationId, expiresAt } = event.data;
      return onLive(state, (b) => withReservation(b, reservationId, (r) => ({ ...r, ...expiry(expiresAt) }), owned));
    }
    case 'BalanceUnreserved': {
      const { reservationId, remaining, reservedAfter } = event.data;
      const held = parseAmount(remaining.amount);
      return onLive(state, (b) =>
        withReservation(
          withReserved(b, reservedAfter),
          reservationId,
          (r) => ({ ...r, held, closed: held === 0n }),
          owned,
        ),
      );
    }
    case 'BalanceDeducted':
      return onLive(state, (b) => deducted(b, event.data, owned));
    case 'BalanceTransferredOut':
    case 'TransferRefunded': {
      const { transferId, amount, amountAfter } = event.data;
      const facts = { amount: parseAmount(amount.amount), refunded: event.type === 'TransferRefunded' };
      return onLive(state, (b) => {
        const out = owned ? (b.transfersOut as Map<string, typeof facts>) : new Map(b.transfersOut);
        return { ...withBalance(b, amountAfter), transfersOut: out.set(transferId, facts) };
      });
    }
    case 'TransferDeclined': {
      const { transferId } = event.data;
      return onLive(state, (b) => {
        const ids = owned ? (b.transfersDeclined as Set<string>) : new Set(b.transfersDeclined);
        return { ...b, transfersDeclined: ids.add(transferId) };
      });
    }
    case 'BalanceTransferredIn': {
      const { transferId, amountAfter } = event.data;
      return onLive(state, (b) => {
        const ids = owned ? (b.transfersIn as Set<string>) : new Set(b.transfersIn);
        return { ...withBalance(b, amountAfter), transfersIn: ids.add(transferId) };
      });
    }
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
    reservations: new Map(),
    deductionIds: new Set(),
    transfersOut: new Map(),
    transfersIn: new Set(),
    transfersDeclined: new Set(),
  };
}

function expiry(expiresAt: string): Pick<ReservationFacts, 'expiresAt' | 'expiresAtMs'> {
  return { expiresAt, expiresAtMs: parseInstant(expiresAt, 'expiresAt') };
}

function withReserved(bucket: LiveBucket, reservedAfter: QuantityData): LiveBucket {
  return { ...bucket, reservedAmount: parseAmount(reservedAfter.amount) };
}

function reserved(bucket: LiveBucket, data: BalanceReservedData, owned: boolean): LiveBucket {
  const amount = parseAmount(data.amount.amount);
  const facts: ReservationFacts = { held: amount, reserved: amount, ...expiry(data.expiresAt), closed: false };
  const reservations = owned ? (bucket.reservations as Map<string, ReservationFacts>) : new Map(bucket.reservations);
  return {
    ...withUnits(withReserved(bucket, data.reservedAfter), data.amount),
    reservations: reservations.set(data.reservationId, facts),
  };
}

function withReservation(
  bucket: LiveBucket,
  reservationId: string,
  change: (facts: ReservationFacts) => ReservationFacts,
  owned: boolean,
): LiveBucket {
  const facts = bucket.reservations.get(reservationId);
  if (facts === undefined) return bucket;
  const reservations = owned ? (bucket.reservations as Map<string, ReservationFacts>) : new Map(bucket.reservations);
  return { ...bucket, reservations: reservations.set(reservationId, change(facts)) };
}

/** A capture lowers what the reservation holds by what it took and, when final, by what it released. */
function deducted(bucket: LiveBucket, data: BalanceDeductedData, owned: boolean): LiveBucket {
  const ids = owned ? (bucket.deductionIds as Set<string>) : new Set(bucket.deductionIds);
  const moved = {
    ...withReserved(withBalance(bucket, data.amountAfter), data.reservedAfter),
    deductionIds: ids.add(data.deductionId),
  };
  if (data.reservationId === undefined) return moved;
  const taken = parseAmount(data.amount.amount) + (data.released ? parseAmount(data.released.amount) : 0n);
  return withReservation(
    moved,
    data.reservationId,
    (r) => ({ ...r, held: r.held - taken, closed: r.held - taken === 0n || data.released !== undefined }),
    owned,
  );
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

function adjusted(bucket: LiveBucket, adjustmentId: string, after: QuantityData, owned: boolean): LiveBucket {
  const ids = owned ? (bucket.adjustmentIds as Set<string>) : new Set(bucket.adjustmentIds);
  return { ...withBalance(bucket, after), adjustmentIds: ids.add(adjustmentId) };
}

function withTopup(
  bucket: LiveBucket,
  id: string,
  status: TopupFacts['status'],
  amount: QuantityData,
  owned: boolean,
): LiveBucket {
  return withTopupFacts(bucket, id, { status, amount: fromQuantityData(amount) }, owned);
}

function cancelled(bucket: LiveBucket, topupId: string, after: QuantityData | undefined, owned: boolean): LiveBucket {
  const topup = bucket.topups.get(topupId);
  if (topup === undefined) return bucket;
  const withStatus = withTopupFacts(bucket, topupId, { ...topup, status: 'cancelled' }, owned);
  return after === undefined ? withStatus : withBalance(withStatus, after);
}

function withTopupFacts(bucket: LiveBucket, topupId: string, facts: TopupFacts, owned: boolean): LiveBucket {
  const topups = owned ? (bucket.topups as Map<string, TopupFacts>) : new Map(bucket.topups);
  return { ...bucket, topups: topups.set(topupId, facts) };
}
