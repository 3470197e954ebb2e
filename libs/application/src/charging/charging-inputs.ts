import type { DeductBalanceData, ReserveBalanceData } from '@ledger/domain';
import type { QuantityInput } from '../commands/command-inputs';

/**
 * Charging commands as an entry point hands them over. The bucket is always named: a reservation
 * lives in one bucket's stream, and a charging session knows the bucket it reserved on. `id` is
 * the client's reservation or deduction id (R17 "unique identifier within the server for the
 * operation request"); without it the server picks one.
 */
type BucketRef = { readonly bucket: { readonly id: string } };

export type ReserveBalanceInput = Omit<ReserveBalanceData, 'bucketId' | 'reservationId' | 'amount' | 'expiresAt'> &
  BucketRef & { readonly id?: string; readonly amount: QuantityInput; readonly expiresAt?: string };

export type ExtendReservationInput = BucketRef & { readonly reservationId: string; readonly expiresAt: string };

export type UnreserveBalanceInput = BucketRef & {
  readonly reservationId: string;
  readonly amount?: QuantityInput;
  readonly reason?: string;
};

export type DeductBalanceInput = Omit<DeductBalanceData, 'bucketId' | 'deductionId' | 'amount'> &
  BucketRef & { readonly id?: string; readonly amount: QuantityInput };
