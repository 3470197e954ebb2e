import type { Quantity } from '../amount/quantity';
import type { ValidityWindow } from '../time/time-period';
import type { BucketStatus, TopupStatus } from './bucket.commands';

/**
 * What decisions about one bucket need, and nothing a screen needs (names, refs and dates live in
 * the events and the read models). Amounts are micro-units; see amount/decimal.ts.
 */
export interface TopupFacts {
  readonly status: TopupStatus;
  /** Positive credit this topup applies (or applied) to the bucket. */
  readonly amount: Quantity;
}

/** A reservation as decisions need it; closed ones stay so a retried reserve is recognised. */
export interface ReservationFacts {
  /** What it holds now (micro-units); 0 once captured or released in full. */
  readonly held: bigint;
  /** What was first reserved, to tell a retry from a conflicting reuse of the id. */
  readonly reserved: bigint;
  readonly expiresAt: string;
  readonly expiresAtMs: number;
  readonly closed: boolean;
}

export interface NoBucket {
  readonly status: 'none';
}

export interface DeletedBucket {
  readonly status: 'deleted';
  readonly bucketId: string;
}

/** An opened bucket, discriminated by its recorded status (expiry by date is applied on read). */
export interface LiveBucket {
  readonly status: BucketStatus;
  readonly bucketId: string;
  readonly validFor: ValidityWindow;
  /** Fixed by the first quantity the bucket sees; null only for a bucket opened without one. */
  readonly units: string | null;
  readonly amount: bigint;
  readonly reservedAmount: bigint;
  readonly creditLimit: bigint;
  /** Topups applied to this bucket, for lifecycle transitions and repeat detection. */
  readonly topups: ReadonlyMap<string, TopupFacts>;
  /** Adjustments already applied, so a retried adjustment is recognised and ignored. */
  readonly adjustmentIds: ReadonlySet<string>;
  /** Reservations by id; `reservedAmount` is the opening reservation plus what these hold. */
  readonly reservations: ReadonlyMap<string, ReservationFacts>;
  /** Deductions already applied, so a retried deduction is recognised and ignored. */
  readonly deductionIds: ReadonlySet<string>;
  /** Transfers debited from this bucket, with what they took and whether it was refunded. */
  readonly transfersOut: ReadonlyMap<string, { readonly amount: bigint; readonly refunded: boolean }>;
  /** Transfers credited to this bucket. */
  readonly transfersIn: ReadonlySet<string>;
  /** Transfers this bucket declined: never to be credited here. */
  readonly transfersDeclined: ReadonlySet<string>;
}

export type BucketState = NoBucket | LiveBucket | DeletedBucket;

export function initialState(): BucketState {
  return { status: 'none' };
}

export function isLive(state: BucketState): state is LiveBucket {
  return state.status !== 'none' && state.status !== 'deleted';
}

/** The stream name of a bucket; the only place the `bucket-` prefix is spelled. */
export function bucketStream(bucketId: string): string {
  return `bucket-${bucketId}`;
}
