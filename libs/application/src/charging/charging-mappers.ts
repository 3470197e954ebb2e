import {
  type CommandMetadata,
  type DeductBalance,
  type ExtendReservation,
  type ReserveBalance,
  type UnreserveBalance,
  parseQuantity,
} from '@ledger/domain';
import type {
  DeductBalanceInput,
  ExtendReservationInput,
  ReserveBalanceInput,
  UnreserveBalanceInput,
} from './charging-inputs';

/** One mapper per charging command; the ids and the expiry are decided by the use case. */
export function reserveBalanceCommand(
  input: ReserveBalanceInput,
  reservationId: string,
  expiresAt: string,
  metadata: CommandMetadata,
): ReserveBalance {
  const { bucket, id: _id, amount, expiresAt: _expiresAt, ...fields } = input;
  const data = { ...fields, bucketId: bucket.id, reservationId, amount: parseQuantity(amount), expiresAt };
  return { type: 'ReserveBalance', data, metadata };
}

export function extendReservationCommand(input: ExtendReservationInput, metadata: CommandMetadata): ExtendReservation {
  const data = { bucketId: input.bucket.id, reservationId: input.reservationId, expiresAt: input.expiresAt };
  return { type: 'ExtendReservation', data, metadata };
}

export function unreserveBalanceCommand(input: UnreserveBalanceInput, metadata: CommandMetadata): UnreserveBalance {
  const { bucket, amount, ...fields } = input;
  const release = amount === undefined ? undefined : parseQuantity(amount);
  return { type: 'UnreserveBalance', data: { ...fields, bucketId: bucket.id, amount: release }, metadata };
}

export function deductBalanceCommand(
  input: DeductBalanceInput,
  deductionId: string,
  metadata: CommandMetadata,
): DeductBalance {
  const { bucket, id: _id, amount, ...fields } = input;
  const data = { ...fields, bucketId: bucket.id, deductionId, amount: parseQuantity(amount) };
  return { type: 'DeductBalance', data, metadata };
}
