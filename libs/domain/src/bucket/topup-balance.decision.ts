import { type Quantity, toQuantityData } from '../amount/quantity';
import type { TopupBalance, TopupBalanceData } from './bucket.commands';
import type { BalanceToppedUp, BucketEvent, BucketOpened, TopupRequested } from './bucket.events';
import { bucketEvent } from './bucket.events';
import { evolve } from './bucket.evolve';
import { type DecisionTime, assertUnits, assertUsable, moveBalance, requireLive } from './bucket.guards';
import type { BucketState, LiveBucket } from './bucket.state';
import { validateTopup } from './topup.validation';

/**
 * A topup POSTed without a status, or as "confirmed", is confirmed at once: the request and the
 * credit are appended together. One POSTed "in progress" is recorded and credits nothing until a
 * ConfirmTopup. A topup id already known to the bucket is a retry and produces nothing.
 */
export function topupBalance(state: BucketState, command: TopupBalance, time: DecisionTime): BucketEvent[] {
  const data = command.data;
  validateTopup(data);
  if (state.status === 'none' && data.openIfMissing === true) {
    const opening = openForTopup(data, time);
    return [opening, ...topupBalance(evolve(state, opening), command, time)];
  }
  const bucket = requireLive(state, data.bucketId);
  if (bucket.topups.has(data.topupId)) return [];
  assertUsable(bucket, time);
  assertUnits(bucket, data.amount.units);
  const requested = topupRequested(data, time);
  if (data.status === 'in progress') return [requested];
  return [requested, credited(bucket, data.topupId, data.amount, time)];
}

/** Credits a requested topup; shared by immediate confirmation and ConfirmTopup. */
export function credited(bucket: LiveBucket, topupId: string, amount: Quantity, time: DecisionTime): BalanceToppedUp {
  return bucketEvent('BalanceToppedUp', {
    topupId,
    bucketId: bucket.bucketId,
    amount: toQuantityData(amount),
    status: 'confirmed',
    confirmationDate: time.now,
    ...moveBalance(bucket, amount.amount, amount.units),
  });
}

function topupRequested(data: TopupBalanceData, time: DecisionTime): TopupRequested {
  return bucketEvent('TopupRequested', {
    topupId: data.topupId,
    bucketId: data.bucketId,
    amount: toQuantityData(data.amount),
    type: data.type,
    channel: data.channel,
    product: data.product,
    partyAccount: data.partyAccount,
    relatedParty: data.relatedParty,
    requestor: data.requestor,
    paymentMethod: data.paymentMethod,
    voucher: data.voucher,
    description: data.description,
    isAutoTopup: data.isAutoTopup,
    recurringPeriod: data.recurringPeriod,
    nrOfPeriods: data.nrOfPeriods,
    validFor: data.validFor,
    status: 'in progress',
    requestedDate: time.now,
  });
}

/** Bucket resolution found no bucket for the topup's product and type: open one for it. */
function openForTopup(data: TopupBalanceData, time: DecisionTime): BucketOpened {
  const zero = toQuantityData({ amount: 0n, units: data.amount.units });
  return bucketEvent('BucketOpened', {
    bucketId: data.bucketId,
    type: data.type,
    partyAccount: data.partyAccount,
    product: data.product === undefined ? [] : [data.product],
    relatedParty: data.relatedParty,
    amount: zero,
    reservedAmount: zero,
    creditLimit: zero,
    status: 'active',
    validFor: data.validFor ?? { startDateTime: time.now },
    openedAt: time.now,
  });
}
