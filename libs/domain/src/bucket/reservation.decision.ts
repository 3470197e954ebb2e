import { checkedAmount } from '../amount/decimal';
import { type Quantity, parseUnits, toQuantityData } from '../amount/quantity';
import { domainError } from '../domain-error';
import { parseInstant } from '../time/time-period';
import type { ExpireReservation, ExtendReservation, ReserveBalance, UnreserveBalance } from './bucket.commands';
import { type BalanceReserved, type BalanceUnreserved, type ReservationExtended, bucketEvent } from './bucket.events';
import { type DecisionTime, assertUnits, assertUsable, requireLive } from './bucket.guards';
import type { BucketState, LiveBucket, ReservationFacts } from './bucket.state';

/**
 * Reservations hold part of the available balance (amount − reservedAmount) for a charging
 * session, so two sessions can never spend the same units. A reserve obeys the same line as a
 * debit: the available balance may not go below −creditLimit. A reservation id is its identity:
 * the same id with the same amount is a retry (nothing happens, even after the reservation closed),
 * with another amount a conflict.
 */
export function reserveBalance(state: BucketState, command: ReserveBalance, time: DecisionTime): BalanceReserved[] {
  const data = command.data;
  const amount = positive(data.amount);
  const expiresAtMs = parseInstant(data.expiresAt, 'expiresAt');
  const bucket = requireLive(state, data.bucketId);
  const existing = bucket.reservations.get(data.reservationId);
  if (existing) {
    if (existing.reserved === amount) return [];
    throw domainError(
      'RESERVATION.CONFLICT',
      `reservation ${data.reservationId} already exists with another amount`,
      'reservationId',
    );
  }
  if (expiresAtMs <= time.nowMs) {
    throw domainError('RESERVATION.EXPIRY_NOT_IN_FUTURE', 'expiresAt must be later than now', 'expiresAt');
  }
  assertUsable(bucket, time);
  assertUnits(bucket, data.amount.units);
  const units = data.amount.units;
  const reservedAfter = checkedAmount(bucket.reservedAmount + amount, 'amount.amount');
  if (bucket.amount - reservedAfter < -bucket.creditLimit) {
    throw domainError(
      'BUCKET.INSUFFICIENT_BALANCE',
      `bucket ${bucket.bucketId} has not ${toQuantityData(data.amount).amount} ${units} available to reserve`,
      'amount.amount',
    );
  }
  return [
    bucketEvent('BalanceReserved', {
      bucketId: data.bucketId,
      reservationId: data.reservationId,
      amount: toQuantityData(data.amount),
      expiresAt: data.expiresAt,
      requestor: data.requestor,
      relatedParty: data.relatedParty,
      description: data.description,
      reservedBefore: toQuantityData({ amount: bucket.reservedAmount, units }),
      reservedAfter: toQuantityData({ amount: reservedAfter, units }),
      reservedAt: time.now,
    }),
  ];
}

/** Moves a held reservation's expiry later; the same or an earlier expiry changes nothing. */
export function extendReservation(
  state: BucketState,
  command: ExtendReservation,
  time: DecisionTime,
): ReservationExtended[] {
  const { bucketId, reservationId, expiresAt } = command.data;
  const expiresAtMs = parseInstant(expiresAt, 'expiresAt');
  const reservation = heldReservation(requireLive(state, bucketId), reservationId, time);
  if (expiresAtMs <= reservation.expiresAtMs) return [];
  const previousExpiresAt = reservation.expiresAt;
  return [
    bucketEvent('ReservationExtended', { bucketId, reservationId, expiresAt, previousExpiresAt, extendedAt: time.now }),
  ];
}

/**
 * Releases part of a held reservation, or all of it. Releasing a closed reservation in full is a
 * retry and changes nothing; a partial release is told apart from its retry by the command's
 * idempotency key, which the application records with the append.
 */
export function unreserveBalance(
  state: BucketState,
  command: UnreserveBalance,
  time: DecisionTime,
): BalanceUnreserved[] {
  const { bucketId, reservationId, amount, reason } = command.data;
  const release = amount === undefined ? undefined : positive(amount);
  const bucket = requireLive(state, bucketId);
  const reservation = bucket.reservations.get(reservationId);
  if (reservation === undefined) throw notFound(reservationId);
  if (reservation.closed && release === undefined) return [];
  if (reservation.closed)
    throw domainError('RESERVATION.EXPIRED', `reservation ${reservationId} is closed`, 'reservationId');
  if (amount) assertUnits(bucket, amount.units);
  const released = release ?? reservation.held;
  if (released > reservation.held) {
    throw domainError(
      'RESERVATION.INSUFFICIENT_BALANCE',
      `reservation ${reservationId} holds less than ${toQuantityData(amount as Quantity).amount}`,
      'amount.amount',
    );
  }
  return [unreserved(bucket, reservationId, released, reservation, 'released', time, reason)];
}

/**
 * The expiry scheduler's release. It may act on a stale view (the reservation was extended,
 * captured or released since), so anything but a held reservation past its expiry is a no-op.
 */
export function expireReservation(
  state: BucketState,
  command: ExpireReservation,
  time: DecisionTime,
): BalanceUnreserved[] {
  const { bucketId, reservationId } = command.data;
  const bucket = requireLive(state, bucketId);
  const reservation = bucket.reservations.get(reservationId);
  if (reservation === undefined) throw notFound(reservationId);
  if (reservation.closed || reservation.expiresAtMs > time.nowMs) return [];
  return [unreserved(bucket, reservationId, reservation.held, reservation, 'expired', time)];
}

/** A reservation that can still be captured, released or extended: held and not past its expiry. */
export function heldReservation(bucket: LiveBucket, reservationId: string, time: DecisionTime): ReservationFacts {
  const reservation = bucket.reservations.get(reservationId);
  if (reservation === undefined) throw notFound(reservationId);
  if (reservation.closed || reservation.expiresAtMs <= time.nowMs) {
    throw domainError('RESERVATION.EXPIRED', `reservation ${reservationId} is expired or closed`, 'reservationId');
  }
  return reservation;
}

function unreserved(
  bucket: LiveBucket,
  reservationId: string,
  released: bigint,
  reservation: ReservationFacts,
  cause: 'released' | 'expired',
  time: DecisionTime,
  reason?: string,
): BalanceUnreserved {
  const units = bucket.units ?? '';
  const q = (amount: bigint) => toQuantityData({ amount, units });
  return bucketEvent('BalanceUnreserved', {
    bucketId: bucket.bucketId,
    reservationId,
    amount: q(released),
    remaining: q(reservation.held - released),
    cause,
    reason,
    reservedBefore: q(bucket.reservedAmount),
    reservedAfter: q(bucket.reservedAmount - released),
    releasedAt: time.now,
  });
}

function positive(quantity: Quantity): bigint {
  parseUnits(quantity.units, 'amount.units');
  const amount = checkedAmount(quantity.amount, 'amount.amount');
  if (amount <= 0n) throw domainError('AMOUNT.NOT_POSITIVE', 'amount.amount must be greater than 0', 'amount.amount');
  return amount;
}

function notFound(reservationId: string) {
  return domainError('RESERVATION.NOT_FOUND', `reservation ${reservationId} does not exist`, 'reservationId');
}
