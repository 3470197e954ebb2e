import type { QuantityData } from '../amount/quantity';
import type { TimePeriod } from '../time/time-period';
import type {
  ChannelRef,
  PartyAccountRef,
  PaymentMethodRef,
  ProductRef,
  RealizingResourceRef,
  RelatedPartyRef,
} from '../tmf-refs';

/**
 * Stored shapes of the bucket events (schema version 1). They are spelled out here rather than
 * derived from the command types on purpose: a command may evolve with the API, a stored event
 * may not, and a derived type would change the stored shape without anyone noticing.
 * Amounts are canonical decimal strings; every request field is kept so read models need
 * nothing but events.
 */
export type BucketStatusData = 'active' | 'suspended' | 'expired';

type Movement = { readonly amountBefore: QuantityData; readonly amountAfter: QuantityData };

export interface BucketOpenedData {
  readonly bucketId: string;
  readonly type?: string;
  readonly name?: string;
  readonly description?: string;
  readonly partyAccount?: PartyAccountRef;
  readonly product: readonly ProductRef[];
  readonly realizingResource?: readonly RealizingResourceRef[];
  readonly relatedParty?: readonly RelatedPartyRef[];
  /** The three balances are present (defaulted to "0") once units are known, absent otherwise. */
  readonly amount?: QuantityData;
  readonly reservedAmount?: QuantityData;
  readonly creditLimit?: QuantityData;
  readonly status: 'active' | 'suspended';
  readonly validFor: TimePeriod;
  readonly openedAt: string;
}

export interface TopupRequestedData {
  readonly topupId: string;
  readonly bucketId: string;
  readonly amount: QuantityData;
  readonly type?: string;
  readonly channel?: ChannelRef;
  readonly product?: ProductRef;
  readonly partyAccount?: PartyAccountRef;
  readonly relatedParty?: readonly RelatedPartyRef[];
  readonly requestor?: RelatedPartyRef;
  readonly paymentMethod?: PaymentMethodRef;
  readonly voucher?: string;
  readonly description?: string;
  readonly isAutoTopup?: boolean;
  readonly recurringPeriod?: string;
  readonly nrOfPeriods?: number;
  readonly validFor?: TimePeriod;
  readonly status: 'in progress';
  readonly requestedDate: string;
}

export interface BalanceToppedUpData extends Movement {
  readonly topupId: string;
  readonly bucketId: string;
  readonly amount: QuantityData;
  readonly status: 'confirmed';
  readonly confirmationDate: string;
}

export interface TopupCancelledData {
  readonly topupId: string;
  readonly bucketId: string;
  readonly status: 'cancelled';
  readonly previousStatus: 'in progress' | 'confirmed';
  readonly cancellationDate: string;
  /** Present only when a confirmed credit was taken back; `amount` is the positive sum debited. */
  readonly reversal?: Movement & { readonly amount: QuantityData };
}

export interface BalanceAdjustedData extends Movement {
  readonly adjustmentId: string;
  readonly bucketId: string;
  /** Signed: positive credited, negative debited. */
  readonly amount: QuantityData;
  readonly type?: string;
  readonly reason?: string;
  readonly requestor?: RelatedPartyRef;
  readonly description?: string;
  readonly product?: ProductRef;
  readonly partyAccount?: PartyAccountRef;
  readonly relatedParty?: readonly RelatedPartyRef[];
  readonly validFor?: TimePeriod;
  readonly requestedDate: string;
}

export interface BucketStatusChangedData {
  readonly bucketId: string;
  readonly status: BucketStatusData;
  readonly previousStatus: BucketStatusData;
  readonly reason?: string;
  readonly changedAt: string;
}

/** How a reservation's hold moved: the bucket's total reservedAmount before and after. */
type ReservedMovement = { readonly reservedBefore: QuantityData; readonly reservedAfter: QuantityData };

export interface BalanceReservedData extends ReservedMovement {
  readonly bucketId: string;
  readonly reservationId: string;
  readonly amount: QuantityData;
  readonly expiresAt: string;
  readonly requestor?: RelatedPartyRef;
  readonly relatedParty?: readonly RelatedPartyRef[];
  readonly description?: string;
  readonly reservedAt: string;
}

export interface ReservationExtendedData {
  readonly bucketId: string;
  readonly reservationId: string;
  readonly expiresAt: string;
  readonly previousExpiresAt: string;
  readonly extendedAt: string;
}

export interface BalanceUnreservedData extends ReservedMovement {
  readonly bucketId: string;
  readonly reservationId: string;
  /** What this event released (positive). */
  readonly amount: QuantityData;
  /** What the reservation still holds afterwards; "0" closes it. */
  readonly remaining: QuantityData;
  /** `released` on request, `expired` by the scheduler. */
  readonly cause: 'released' | 'expired';
  readonly reason?: string;
  readonly releasedAt: string;
}

export interface BalanceDeductedData extends Movement, ReservedMovement {
  readonly bucketId: string;
  readonly deductionId: string;
  /** What was taken off the balance (positive). */
  readonly amount: QuantityData;
  readonly reservationId?: string;
  /** Held by the reservation but not used: released with a final deduction. */
  readonly released?: QuantityData;
  readonly requestor?: RelatedPartyRef;
  readonly relatedParty?: readonly RelatedPartyRef[];
  readonly description?: string;
  readonly deductedAt: string;
}

/** One leg of a transfer on this bucket: the debit (out), the credit (in) or the refund of a debit. */
export interface BalanceTransferData extends Movement {
  readonly bucketId: string;
  readonly transferId: string;
  /** Positive: what left (out) or arrived (in, refund). */
  readonly amount: QuantityData;
  readonly at: string;
}

export interface TransferDeclinedData {
  readonly bucketId: string;
  readonly transferId: string;
  readonly at: string;
}

export interface BucketDeletedData {
  readonly bucketId: string;
  readonly deletedAt: string;
}
