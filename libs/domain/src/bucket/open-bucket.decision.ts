import { checkedAmount } from '../amount/decimal';
import { type Quantity, type QuantityData, parseUnits, toQuantityData } from '../amount/quantity';
import { domainError } from '../domain-error';
import { parsePeriod } from '../time/time-period';
import type { OpenBucket, OpenBucketData } from './bucket.commands';
import { type BucketOpened, bucketEvent } from './bucket.events';
import type { DecisionTime } from './bucket.guards';
import type { BucketState } from './bucket.state';

/**
 * Opening a bucket. An id is never reused, not even after deletion, so a stale reference can
 * never reach a different bucket. The opening balances obey the same rules as any later change.
 */
export function openBucket(state: BucketState, command: OpenBucket, time: DecisionTime): BucketOpened[] {
  const data = command.data;
  if (state.status !== 'none') {
    throw domainError('BUCKET.ALREADY_EXISTS', `bucket ${data.bucketId} already exists`, 'id');
  }
  parsePeriod(data.validFor);
  return [
    bucketEvent('BucketOpened', {
      bucketId: data.bucketId,
      type: data.type,
      name: data.name,
      description: data.description,
      partyAccount: data.partyAccount,
      product: data.product,
      realizingResource: data.realizingResource,
      relatedParty: data.relatedParty,
      ...openingBalances(data),
      status: openingStatus(data.status),
      validFor: data.validFor,
      openedAt: time.now,
    }),
  ];
}

function openingStatus(status: string | undefined): 'active' | 'suspended' {
  if (status === undefined || status === 'active' || status === 'suspended') return status ?? 'active';
  throw domainError('BUCKET.INVALID_STATUS', `a bucket opens as "active" or "suspended", not "${status}"`, 'status');
}

type OpeningBalances = { amount?: QuantityData; reservedAmount?: QuantityData; creditLimit?: QuantityData };

/** Fills the three balances with 0 in the common units, or leaves them out if no units are known. */
function openingBalances(data: OpenBucketData): OpeningBalances {
  const units = commonUnits(data);
  if (units === undefined) return {};
  const amount = checkedAmount(data.amount?.amount ?? 0n, 'amount.amount');
  const reserved = nonNegative(data.reservedAmount, 'reservedAmount.amount');
  const creditLimit = nonNegative(data.creditLimit, 'creditLimit.amount');
  if (amount - reserved < -creditLimit) {
    throw domainError('BUCKET.INSUFFICIENT_BALANCE', 'amount − reservedAmount is below −creditLimit', 'amount.amount');
  }
  return {
    amount: toQuantityData({ amount, units }),
    reservedAmount: toQuantityData({ amount: reserved, units }),
    creditLimit: toQuantityData({ amount: creditLimit, units }),
  };
}

function commonUnits(data: OpenBucketData): string | undefined {
  const given = (['amount', 'reservedAmount', 'creditLimit'] as const).filter((name) => data[name] !== undefined);
  const units = given.map((name) => parseUnits(data[name]?.units, `${name}.units`));
  const odd = units.findIndex((u) => u !== units[0]);
  if (odd >= 0) {
    const field = `${given[odd]}.units`;
    throw domainError(
      'BUCKET.UNITS_MISMATCH',
      `${field} is "${units[odd]}" but ${given[0]}.units is "${units[0]}"`,
      field,
    );
  }
  return units[0];
}

function nonNegative(value: Quantity | undefined, field: string): bigint {
  const amount = checkedAmount(value?.amount ?? 0n, field);
  if (amount < 0n) throw domainError('AMOUNT.NEGATIVE', `${field} must not be negative`, field);
  return amount;
}
