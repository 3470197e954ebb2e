import type {
  BalanceAdjustedData,
  BalanceDeductedData,
  BalanceReservedData,
  BalanceToppedUpData,
  BalanceTransferData,
  BalanceUnreservedData,
  ReservationExtendedData,
  TransferDeclinedData,
  BucketDeletedData,
  BucketOpenedData,
  BucketStatusChangedData,
  TopupCancelledData,
  TopupRequestedData,
} from './bucket.event-data';

/**
 * Events of the bucket stream: topups and adjustments live here too, so a balance change and the
 * action that caused it are one atomic append. Type names are stored data and never renamed; a
 * change of shape gets a new type name and the next schema version while the old type stays
 * readable. `schemaVersion` travels inside `data` so it is stored by any event-store adapter
 * without extra columns.
 */
export const BUCKET_EVENT_SCHEMA_VERSION = 1 as const;

type Versioned = { readonly schemaVersion: typeof BUCKET_EVENT_SCHEMA_VERSION };
type Event<Type extends string, Data> = { readonly type: Type; readonly data: Data & Versioned };

export type BucketOpened = Event<'BucketOpened', BucketOpenedData>;
export type TopupRequested = Event<'TopupRequested', TopupRequestedData>;
export type BalanceToppedUp = Event<'BalanceToppedUp', BalanceToppedUpData>;
export type TopupCancelled = Event<'TopupCancelled', TopupCancelledData>;
export type BalanceAdjusted = Event<'BalanceAdjusted', BalanceAdjustedData>;
export type BucketStatusChanged = Event<'BucketStatusChanged', BucketStatusChangedData>;
export type BucketDeleted = Event<'BucketDeleted', BucketDeletedData>;
export type BalanceReserved = Event<'BalanceReserved', BalanceReservedData>;
export type ReservationExtended = Event<'ReservationExtended', ReservationExtendedData>;
export type BalanceUnreserved = Event<'BalanceUnreserved', BalanceUnreservedData>;
export type BalanceDeducted = Event<'BalanceDeducted', BalanceDeductedData>;
export type BalanceTransferredOut = Event<'BalanceTransferredOut', BalanceTransferData>;
export type BalanceTransferredIn = Event<'BalanceTransferredIn', BalanceTransferData>;
export type TransferRefunded = Event<'TransferRefunded', BalanceTransferData>;
export type TransferDeclined = Event<'TransferDeclined', TransferDeclinedData>;

export type BucketEvent =
  | BucketOpened
  | TopupRequested
  | BalanceToppedUp
  | TopupCancelled
  | BalanceAdjusted
  | BucketStatusChanged
  | BucketDeleted
  | BalanceReserved
  | ReservationExtended
  | BalanceUnreserved
  | BalanceDeducted
  | BalanceTransferredOut
  | BalanceTransferredIn
  | TransferRefunded
  | TransferDeclined;

export type BucketEventType = BucketEvent['type'];
export type BucketEventOf<T extends BucketEventType> = Extract<BucketEvent, { type: T }>;
export type BucketEventData<T extends BucketEventType> = Omit<BucketEventOf<T>['data'], 'schemaVersion'>;

export const BUCKET_EVENT_TYPES: readonly BucketEventType[] = [
  'BucketOpened',
  'TopupRequested',
  'BalanceToppedUp',
  'TopupCancelled',
  'BalanceAdjusted',
  'BucketStatusChanged',
  'BucketDeleted',
  'BalanceReserved',
  'ReservationExtended',
  'BalanceUnreserved',
  'BalanceDeducted',
  'BalanceTransferredOut',
  'BalanceTransferredIn',
  'TransferRefunded',
  'TransferDeclined',
];

/**
 * Builds a stored event, stamping the schema version so no decision can forget it. Absent
 * optional fields are dropped rather than stored as undefined, so an event serialises the same
 * way in every store and compares equal after a round trip.
 */
export function bucketEvent<T extends BucketEventType>(type: T, data: BucketEventData<T>): BucketEventOf<T> {
  const present = Object.entries(data).filter(([, value]) => value !== undefined);
  const stamped = { ...Object.fromEntries(present), schemaVersion: BUCKET_EVENT_SCHEMA_VERSION };
  return { type, data: stamped } as unknown as BucketEventOf<T>;
}

export function isBucketEvent(value: { type: string }): value is BucketEvent {
  return (BUCKET_EVENT_TYPES as readonly string[]).includes(value.type);
}
