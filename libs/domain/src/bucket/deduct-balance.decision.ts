import { checkedAmount } from '../amount/decimal';
import { parseUnits, toQuantityData } from '../amount/quantity';
import { domainError } from '../domain-error';
import type { DeductBalance, DeductBalanceData } from './bucket.commands';
import { type BalanceDeducted, bucketEvent } from './bucket.events';
import { type DecisionTime, assertUnits, assertUsable, moveBalance, requireLive } from './bucket.guards';
import type { LiveBucket, BucketState } from './bucket.state';
import { heldReservation } from './reservation.decision';

/**
 * A deduction takes used units off the balance for good, under its own id (a retry changes
 * nothing). From a reservation it captures at most what the reservation holds, and needs no
 * balance check or usable bucket: the units were set aside while the bucket could spend them and
 * have been consumed since, so refusing the capture would lose money, not protect it. Without
 * `final` the rest stays reserved for the next capture (interim charging); with it the rest is
 * released and the reservation closes. Without a reservation (event charging) it is a debit: an
 * active bucket, and the available balance may not go below −creditLimit.
 */
export function deductBalance(state: BucketState, command: DeductBalance, time: DecisionTime): BalanceDeducted[] {
  const data = command.data;
  parseUnits(data.amount.units, 'amount.units');
  const amount = checkedAmount(data.amount.amount, 'amount.amount');
  if (amount <= 0n) throw domainError('AMOUNT.NOT_POSITIVE', 'amount.amount must be greater than 0', 'amount.amount');
  const bucket = requireLive(state, data.bucketId);
  if (bucket.deductionIds.has(data.deductionId)) return [];
  assertUnits(bucket, data.amount.units);
  return [data.reservationId === undefined ? direct(bucket, data, amount, time) : capture(bucket, data, amount, time)];
}

function direct(bucket: LiveBucket, data: DeductBalanceData, amount: bigint, time: DecisionTime): BalanceDeducted {
  assertUsable(bucket, time);
  const reserved = toQuantityData({ amount: bucket.reservedAmount, units: data.amount.units });
  const move = moveBalance(bucket, -amount, data.amount.units);
  return deducted(data, { ...move, reservedBefore: reserved, reservedAfter: reserved }, time);
}

function capture(bucket: LiveBucket, data: DeductBalanceData, amount: bigint, time: DecisionTime): BalanceDeducted {
  const reservationId = data.reservationId as string;
  const reservation = heldReservation(bucket, reservationId, time);
  if (amount > reservation.held) {
    throw domainError(
      'RESERVATION.INSUFFICIENT_BALANCE',
      `reservation ${reservationId} holds less than ${toQuantityData(data.amount).amount} ${data.amount.units}`,
      'amount.amount',
    );
  }
  const units = data.amount.units;
  const q = (value: bigint) => toQuantityData({ amount: value, units });
  const released = data.final === true ? reservation.held - amount : 0n;
  return deducted(
    data,
    {
      amountBefore: q(bucket.amount),
      amountAfter: q(checkedAmount(bucket.amount - amount, 'amount.amount')),
      reservedBefore: q(bucket.reservedAmount),
      reservedAfter: q(bucket.reservedAmount - amount - released),
      released: data.final === true ? q(released) : undefined,
    },
    time,
  );
}

type Movements = Pick<
  BalanceDeducted['data'],
  'amountBefore' | 'amountAfter' | 'reservedBefore' | 'reservedAfter' | 'released'
>;

function deducted(data: DeductBalanceData, movements: Movements, time: DecisionTime): BalanceDeducted {
  return bucketEvent('BalanceDeducted', {
    bucketId: data.bucketId,
    deductionId: data.deductionId,
    amount: toQuantityData(data.amount),
    reservationId: data.reservationId,
    requestor: data.requestor,
    relatedParty: data.relatedParty,
    description: data.description,
    ...movements,
    deductedAt: time.now,
  });
}
