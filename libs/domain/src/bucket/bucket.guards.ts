import { checkedAmount } from '../amount/decimal';
import { type QuantityData, toQuantityData } from '../amount/quantity';
import { domainError } from '../domain-error';
import { type TimePeriod, type ValidityWindow, parseInstant, parsePeriod } from '../time/time-period';
import type { BucketStatus } from './bucket.commands';
import type { BucketState, LiveBucket } from './bucket.state';

/** The decision clock: `now` as given (stamped into events) and as epoch ms (compared). */
export interface DecisionTime {
  readonly now: string;
  readonly nowMs: number;
}

export function requireLive(state: BucketState, bucketId: string): LiveBucket {
  if (state.status === 'none' || state.status === 'deleted') {
    throw domainError('BUCKET.NOT_FOUND', `bucket ${bucketId} does not exist`, 'bucket.id');
  }
  return state;
}

/**
 * The status a bucket has at `now`. A bucket whose validFor.endDateTime has passed is expired
 * even if no job has recorded it yet: the balance must stop moving at the end of the period, not
 * whenever a sweeper next runs. The end is exclusive.
 */
export function effectiveStatus(bucket: LiveBucket, nowMs: number): BucketStatus {
  return hasEnded(bucket.validFor, nowMs) ? 'expired' : bucket.status;
}

/** The same rule for read sides, which hold the stored status and period rather than a fold. */
export function bucketStatusAt(recorded: BucketStatus, validFor: TimePeriod | undefined, now: string): BucketStatus {
  return hasEnded(parsePeriod(validFor), parseInstant(now, 'now')) ? 'expired' : recorded;
}

function hasEnded(window: ValidityWindow, nowMs: number): boolean {
  return window.endsAt !== undefined && nowMs >= window.endsAt;
}

/** Balance-moving commands need an active bucket inside its validity period. */
export function assertUsable(bucket: LiveBucket, time: DecisionTime): void {
  const status = effectiveStatus(bucket, time.nowMs);
  const id = bucket.bucketId;
  if (status === 'expired') throw domainError('BUCKET.EXPIRED', `bucket ${id} is expired`, 'bucket.id');
  if (status === 'suspended') throw domainError('BUCKET.SUSPENDED', `bucket ${id} is suspended`, 'bucket.id');
  if (bucket.validFor.startsAt !== undefined && time.nowMs < bucket.validFor.startsAt) {
    throw domainError(
      'BUCKET.NOT_YET_VALID',
      `bucket ${bucket.bucketId} is not valid before its validFor.startDateTime`,
      'bucket.id',
    );
  }
}

/** The ledger never converts units: a quantity must be in the bucket's units exactly. */
export function assertUnits(bucket: LiveBucket, units: string, field = 'amount.units'): void {
  if (bucket.units !== null && bucket.units !== units) {
    throw domainError(
      'BUCKET.UNITS_MISMATCH',
      `${field} is "${units}" but bucket ${bucket.bucketId} holds "${bucket.units}"`,
      field,
    );
  }
}

export interface BalanceMove {
  readonly amountBefore: QuantityData;
  readonly amountAfter: QuantityData;
}

/**
 * Moves the balance by `delta` micro-units. The result must stay within the amount range, and a
 * debit may not take the available balance (amount − reservedAmount) below −creditLimit; a credit
 * is always allowed, even into a bucket that is still below that line, because it only helps.
 */
export function moveBalance(bucket: LiveBucket, delta: bigint, units: string): BalanceMove {
  const after = checkedAmount(bucket.amount + delta, 'amount.amount');
  if (delta < 0n && after - bucket.reservedAmount < -bucket.creditLimit) {
    throw domainError(
      'BUCKET.INSUFFICIENT_BALANCE',
      `bucket ${bucket.bucketId} cannot be debited by ${toQuantityData({ amount: -delta, units }).amount} ${units}`,
      'amount.amount',
    );
  }
  return {
    amountBefore: toQuantityData({ amount: bucket.amount, units }),
    amountAfter: toQuantityData({ amount: after, units }),
  };
}
