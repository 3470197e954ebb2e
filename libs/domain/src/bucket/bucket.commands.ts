import type { Quantity } from '../amount/quantity';
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
 * Commands on one bucket stream. Ids (bucket, topup, adjustment) are chosen by the caller and
 * `metadata.now` is the caller's clock reading: the domain never invents either, so a decision is
 * reproducible and a retried request with the same ids is recognised as a repeat.
 */
export interface CommandMetadata {
  /** RFC 3339 instant at which the command is decided; drives expiry and the dates in events. */
  readonly now: string;
  readonly commandId?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
}

type Command<Type extends string, Data> = {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: CommandMetadata;
};

export type BucketStatus = 'active' | 'suspended' | 'expired';
export type TopupStatus = 'in progress' | 'confirmed' | 'cancelled';

export interface OpenBucketData {
  readonly bucketId: string;
  readonly type?: string;
  readonly name?: string;
  readonly description?: string;
  readonly partyAccount?: PartyAccountRef;
  readonly product: readonly ProductRef[];
  readonly realizingResource?: readonly RealizingResourceRef[];
  readonly relatedParty?: readonly RelatedPartyRef[];
  readonly amount?: Quantity;
  readonly reservedAmount?: Quantity;
  /** Extension: how far below zero `amount − reservedAmount` may go. Defaults to 0. */
  readonly creditLimit?: Quantity;
  /** A bucket opens active or suspended; any other status is the decision's to refuse (BUCKET.INVALID_STATUS). */
  readonly status?: BucketStatus;
  readonly validFor: TimePeriod;
}

export interface TopupBalanceData {
  readonly topupId: string;
  readonly bucketId: string;
  /** Set when bucket resolution found no bucket: this topup opens `bucketId` in the same append. */
  readonly openIfMissing?: boolean;
  readonly amount: Quantity;
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
  /** Absent or "confirmed": credit at once. "in progress": wait for ConfirmTopup. */
  readonly status?: TopupStatus;
}

export interface AdjustBalanceData {
  readonly adjustmentId: string;
  readonly bucketId: string;
  /** Signed: positive credits the bucket, negative debits it. */
  readonly amount: Quantity;
  readonly type?: string;
  readonly reason?: string;
  readonly requestor?: RelatedPartyRef;
  readonly description?: string;
  readonly product?: ProductRef;
  readonly partyAccount?: PartyAccountRef;
  readonly relatedParty?: readonly RelatedPartyRef[];
  readonly validFor?: TimePeriod;
}

export type OpenBucket = Command<'OpenBucket', OpenBucketData>;
export type TopupBalance = Command<'TopupBalance', TopupBalanceData>;
export type ConfirmTopup = Command<'ConfirmTopup', { readonly bucketId: string; readonly topupId: string }>;
export type CancelTopup = Command<'CancelTopup', { readonly bucketId: string; readonly topupId: string }>;
export type AdjustBalance = Command<'AdjustBalance', AdjustBalanceData>;
export type ChangeBucketStatus = Command<
  'ChangeBucketStatus',
  { readonly bucketId: string; readonly status: BucketStatus; readonly reason?: string }
>;
export type DeleteBucket = Command<'DeleteBucket', { readonly bucketId: string }>;

/** Holds `amount` of the available balance under `reservationId` until `expiresAt` (RFC 3339). */
export interface ReserveBalanceData {
  readonly bucketId: string;
  readonly reservationId: string;
  readonly amount: Quantity;
  readonly expiresAt: string;
  readonly requestor?: RelatedPartyRef;
  readonly relatedParty?: readonly RelatedPartyRef[];
  readonly description?: string;
}

/** Releases `amount` of a held reservation, or all of it when `amount` is absent. */
export interface UnreserveBalanceData {
  readonly bucketId: string;
  readonly reservationId: string;
  readonly amount?: Quantity;
  readonly reason?: string;
}

/**
 * Takes `amount` off the balance for good: captured from `reservationId` when given (up to what it
 * holds; `final` releases the rest and closes it), or straight from the available balance.
 */
export interface DeductBalanceData {
  readonly bucketId: string;
  readonly deductionId: string;
  readonly amount: Quantity;
  readonly reservationId?: string;
  readonly final?: boolean;
  readonly requestor?: RelatedPartyRef;
  readonly relatedParty?: readonly RelatedPartyRef[];
  readonly description?: string;
}

export type ReserveBalance = Command<'ReserveBalance', ReserveBalanceData>;
export type ExtendReservation = Command<
  'ExtendReservation',
  { readonly bucketId: string; readonly reservationId: string; readonly expiresAt: string }
>;
export type UnreserveBalance = Command<'UnreserveBalance', UnreserveBalanceData>;
export type DeductBalance = Command<'DeductBalance', DeductBalanceData>;
/**
 * The bucket's side of a transfer (the process in libs/domain/src/transfer drives them, each with
 * a command id derived from the transfer id): the debit, the credit, and the refund of a debit
 * whose credit was refused. Each is applied once per transfer id.
 */
export type TransferOut = Command<
  'TransferOut',
  { readonly bucketId: string; readonly transferId: string; readonly amount: Quantity }
>;
export type TransferIn = Command<
  'TransferIn',
  { readonly bucketId: string; readonly transferId: string; readonly amount: Quantity }
>;
export type RefundTransfer = Command<'RefundTransfer', { readonly bucketId: string; readonly transferId: string }>;
/**
 * The target's word that a transfer will never be credited here, taken before the source is
 * refunded: the target's stream orders it against TransferIn, so a credit and a refund of one
 * transfer can never both happen, however drivers race.
 */
export type DeclineTransfer = Command<'DeclineTransfer', { readonly bucketId: string; readonly transferId: string }>;
/** Sent by the expiry scheduler: releases a reservation whose expiresAt has passed, and nothing else. */
export type ExpireReservation = Command<
  'ExpireReservation',
  { readonly bucketId: string; readonly reservationId: string }
>;

export type BucketCommand =
  | OpenBucket
  | TopupBalance
  | ConfirmTopup
  | CancelTopup
  | AdjustBalance
  | ChangeBucketStatus
  | DeleteBucket
  | ReserveBalance
  | ExtendReservation
  | UnreserveBalance
  | DeductBalance
  | ExpireReservation
  | TransferOut
  | TransferIn
  | RefundTransfer
  | DeclineTransfer;
