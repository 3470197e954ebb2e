import { checkedAmount } from '../amount/decimal';
import { parseUnits, toQuantityData } from '../amount/quantity';
import { domainError } from '../domain-error';
import { parsePeriod } from '../time/time-period';
import type { AdjustBalance, AdjustBalanceData } from './bucket.commands';
import { type BalanceAdjusted, bucketEvent } from './bucket.events';
import {
  type BalanceMove,
  type DecisionTime,
  assertUnits,
  assertUsable,
  moveBalance,
  requireLive,
} from './bucket.guards';
import type { BucketState } from './bucket.state';

/**
 * An adjustment moves the balance by a signed amount (R17: positive credits, negative debits).
 * A debit obeys the credit-limit rule; a credit is always allowed. An adjustment id already
 * applied to the bucket is a retry and produces nothing.
 */
export function adjustBalance(state: BucketState, command: AdjustBalance, time: DecisionTime): BalanceAdjusted[] {
  const data = command.data;
  validateAdjustment(data);
  const bucket = requireLive(state, data.bucketId);
  if (bucket.adjustmentIds.has(data.adjustmentId)) return [];
  assertUsable(bucket, time);
  assertUnits(bucket, data.amount.units);
  return [balanceAdjusted(data, moveBalance(bucket, data.amount.amount, data.amount.units), time)];
}

/** A zero adjustment is refused: it would record an action that changes nothing. */
function validateAdjustment(data: AdjustBalanceData): void {
  parseUnits(data.amount.units, 'amount.units');
  if (checkedAmount(data.amount.amount, 'amount.amount') === 0n) {
    throw domainError('AMOUNT.ZERO', 'amount.amount of an adjustment must not be 0', 'amount.amount');
  }
  parsePeriod(data.validFor);
}

function balanceAdjusted(data: AdjustBalanceData, move: BalanceMove, time: DecisionTime): BalanceAdjusted {
  return bucketEvent('BalanceAdjusted', {
    adjustmentId: data.adjustmentId,
    bucketId: data.bucketId,
    amount: toQuantityData(data.amount),
    type: data.type,
    reason: data.reason,
    requestor: data.requestor,
    description: data.description,
    product: data.product,
    partyAccount: data.partyAccount,
    relatedParty: data.relatedParty,
    validFor: data.validFor,
    requestedDate: time.now,
    ...move,
  });
}
