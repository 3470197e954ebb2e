import { type Quantity, parseQuantity } from '../amount/quantity';
import type {
  AdjustBalance,
  BucketStatus,
  CancelTopup,
  ChangeBucketStatus,
  ConfirmTopup,
  OpenBucket,
  OpenBucketData,
  TopupBalance,
  TopupBalanceData,
} from '../bucket/bucket.commands';
import { bucketDecider } from '../bucket/bucket.decider';
import type { BucketOpenedData } from '../bucket/bucket.event-data';
import { type BalanceToppedUp, type BucketOpened, type TopupRequested, bucketEvent } from '../bucket/bucket.events';
import { deciderSpecification } from './decider-specification';

/** Shared builders for the bucket specs; one fixed clock so every event is asserted exactly. */
export const NOW = '2025-03-01T10:00:00Z';
export const BUCKET_ID = 'b-1';
export const spec = deciderSpecification(bucketDecider);
export const meta = (now = NOW) => ({ now });
export const eur = (amount: string | number): Quantity => parseQuantity({ amount, units: 'EUR' });
export const eurData = (amount: string) => ({ amount, units: 'EUR' });
export const VALID_FOR = { startDateTime: '2025-01-01T00:00:00Z', endDateTime: '2026-01-01T00:00:00Z' };

export function openCommand(data: Partial<OpenBucketData> = {}, now = NOW): OpenBucket {
  const defaults = { bucketId: BUCKET_ID, product: [{ id: 'p-1' }], validFor: VALID_FOR };
  return { type: 'OpenBucket', data: { ...defaults, ...data }, metadata: meta(now) };
}

/** A bucket holding `amount` EUR; the `describe` names this state. */
export function opened(amount = '500', data: Partial<BucketOpenedData> = {}): BucketOpened {
  return bucketEvent('BucketOpened', {
    bucketId: BUCKET_ID,
    product: [{ id: 'p-1' }],
    amount: eurData(amount),
    reservedAmount: eurData('0'),
    creditLimit: eurData('0'),
    status: 'active',
    validFor: VALID_FOR,
    openedAt: '2025-01-01T00:00:00Z',
    ...data,
  });
}

export function topup(topupId: string, amount: string, data: Partial<TopupBalanceData> = {}, now = NOW): TopupBalance {
  const defaults = { topupId, bucketId: BUCKET_ID, amount: eur(amount) };
  return { type: 'TopupBalance', data: { ...defaults, ...data }, metadata: meta(now) };
}

export function requested(topupId: string, amount: string, now = NOW): TopupRequested {
  return bucketEvent('TopupRequested', {
    topupId,
    bucketId: BUCKET_ID,
    amount: eurData(amount),
    status: 'in progress',
    requestedDate: now,
  });
}

export function toppedUp(topupId: string, amount: string, before: string, after: string, now = NOW): BalanceToppedUp {
  return bucketEvent('BalanceToppedUp', {
    topupId,
    bucketId: BUCKET_ID,
    amount: eurData(amount),
    status: 'confirmed',
    confirmationDate: now,
    amountBefore: eurData(before),
    amountAfter: eurData(after),
  });
}

export function confirm(topupId: string, now = NOW): ConfirmTopup {
  return { type: 'ConfirmTopup', data: { bucketId: BUCKET_ID, topupId }, metadata: meta(now) };
}

export function cancel(topupId: string, now = NOW): CancelTopup {
  return { type: 'CancelTopup', data: { bucketId: BUCKET_ID, topupId }, metadata: meta(now) };
}

export function adjust(adjustmentId: string, amount: string, now = NOW): AdjustBalance {
  const data = { adjustmentId, bucketId: BUCKET_ID, amount: eur(amount) };
  return { type: 'AdjustBalance', data, metadata: meta(now) };
}

export function changeStatus(status: BucketStatus, now = NOW): ChangeBucketStatus {
  return { type: 'ChangeBucketStatus', data: { bucketId: BUCKET_ID, status }, metadata: meta(now) };
}

export function statusChanged(status: BucketStatus, previousStatus: BucketStatus, now = NOW) {
  return bucketEvent('BucketStatusChanged', { bucketId: BUCKET_ID, status, previousStatus, changedAt: now });
}
