import type { AdjustBalanceData, OpenBucketData, TopupBalanceData } from '@ledger/domain';

/**
 * Commands as an entry point hands them over: validated request fields, amounts still as the
 * request wrote them (exact decimals), no server-chosen ids. Every API version maps its bodies
 * to these; the mappers beside each use case turn them into domain commands.
 */
export type QuantityInput = { readonly amount: number | string; readonly units: string };

/** `bucket` names the bucket; otherwise `product` (+ `type`) selects it. */
export type BucketTargetInput = {
  readonly bucket?: { readonly id: string };
  readonly product?: { readonly id: string };
  readonly type?: string;
};

export type OpenBucketInput = Omit<OpenBucketData, 'bucketId' | 'amount' | 'reservedAmount' | 'creditLimit'> & {
  readonly amount?: QuantityInput;
  readonly reservedAmount?: QuantityInput;
  readonly creditLimit?: QuantityInput;
};

export type TopupBalanceInput = Omit<TopupBalanceData, 'topupId' | 'bucketId' | 'openIfMissing' | 'amount'> &
  BucketTargetInput & { readonly amount: QuantityInput };

export type AdjustBalanceInput = Omit<AdjustBalanceData, 'adjustmentId' | 'bucketId' | 'amount'> &
  BucketTargetInput & { readonly amount: QuantityInput };

export type TopupStatusInput = { readonly status: 'in progress' | 'confirmed' | 'cancelled' };
