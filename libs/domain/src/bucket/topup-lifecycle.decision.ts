import { toQuantityData } from '../amount/quantity';
import { domainError } from '../domain-error';
import type { CancelTopup, ConfirmTopup } from './bucket.commands';
import { type BalanceToppedUp, type TopupCancelled, bucketEvent } from './bucket.events';
import { type DecisionTime, assertUsable, moveBalance, requireLive } from './bucket.guards';
import type { BucketState, LiveBucket, TopupFacts } from './bucket.state';
import { credited } from './topup-balance.decision';

/**
 * Topup lifecycle: in progress → confirmed | cancelled, and confirmed → cancelled (a reversal).
 * Cancelled is terminal. Asking again for the status a topup already has is a quiet no-op, so a
 * retried PUT is harmless; any other move out of a final status is TOPUP.INVALID_TRANSITION.
 */
export function confirmTopup(state: BucketState, command: ConfirmTopup, time: DecisionTime): BalanceToppedUp[] {
  const bucket = requireLive(state, command.data.bucketId);
  const topup = requireTopup(bucket, command.data.topupId);
  if (topup.status === 'confirmed') return [];
  if (topup.status === 'cancelled') throw invalidTransition(command.data.topupId, topup.status, 'confirmed');
  assertUsable(bucket, time);
  return [credited(bucket, command.data.topupId, topup.amount, time)];
}

/**
 * Cancelling an in-progress topup moves no money, so it is allowed whatever the bucket's status:
 * otherwise a topup on a bucket that expired meanwhile could never leave "in progress".
 * Cancelling a confirmed topup debits its amount back exactly once; that debit obeys every rule
 * of a debit (usable bucket, credit limit), so a credit already spent cannot be taken back.
 */
export function cancelTopup(state: BucketState, command: CancelTopup, time: DecisionTime): TopupCancelled[] {
  const bucket = requireLive(state, command.data.bucketId);
  const topupId = command.data.topupId;
  const topup = requireTopup(bucket, topupId);
  if (topup.status === 'cancelled') return [];
  const cancellation = { topupId, bucketId: bucket.bucketId, status: 'cancelled' as const, cancellationDate: time.now };
  if (topup.status === 'in progress') {
    return [bucketEvent('TopupCancelled', { ...cancellation, previousStatus: 'in progress' })];
  }
  assertUsable(bucket, time);
  const { amount, units } = topup.amount;
  const reversal = { amount: toQuantityData(topup.amount), ...moveBalance(bucket, -amount, units) };
  return [bucketEvent('TopupCancelled', { ...cancellation, previousStatus: 'confirmed', reversal })];
}

function requireTopup(bucket: LiveBucket, topupId: string): TopupFacts {
  const topup = bucket.topups.get(topupId);
  if (topup === undefined) {
    throw domainError('TOPUP.NOT_FOUND', `topup ${topupId} does not exist on bucket ${bucket.bucketId}`, 'id');
  }
  return topup;
}

function invalidTransition(topupId: string, from: string, to: string) {
  return domainError('TOPUP.INVALID_TRANSITION', `topup ${topupId} is ${from} and cannot become ${to}`, 'status');
}
