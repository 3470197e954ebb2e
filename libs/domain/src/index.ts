/**
 * @ledger/domain: the pure core of the prepay balance ledger. Exact amounts, the bucket decider
 * (decide/evolve over one stream per bucket) and bucket resolution. No I/O, no clock, no ids:
 * adapters in other libraries read and append streams, supply `metadata.now` and generate ids.
 */
export {
  AMOUNT_SCALE,
  MAX_ABS_MICRO,
  MAX_ABS_UNITS,
  MICRO_PER_UNIT,
  checkedAmount,
  formatAmount,
  parseAmount,
} from './amount/decimal';
export {
  type Quantity,
  type QuantityData,
  fromQuantityData,
  parseQuantity,
  parseUnits,
  quantity,
  toQuantityData,
} from './amount/quantity';
export { DOMAIN_ERROR_CODES, type DomainError, type DomainErrorCode, domainError, isDomainError } from './domain-error';
export { type TimePeriod, type ValidityWindow, parseInstant, parsePeriod } from './time/time-period';
export type {
  ChannelRef,
  JsonValue,
  PartyAccountRef,
  PaymentMethodRef,
  ProductRef,
  RealizingResourceRef,
  RelatedPartyRef,
} from './tmf-refs';
export type {
  AdjustBalance,
  AdjustBalanceData,
  BucketCommand,
  BucketStatus,
  CancelTopup,
  ChangeBucketStatus,
  CommandMetadata,
  ConfirmTopup,
  DeclineTransfer,
  DeductBalance,
  DeductBalanceData,
  DeleteBucket,
  ExpireReservation,
  ExtendReservation,
  OpenBucket,
  OpenBucketData,
  RefundTransfer,
  ReserveBalance,
  ReserveBalanceData,
  TopupBalance,
  TopupBalanceData,
  TopupStatus,
  TransferIn,
  TransferOut,
  UnreserveBalance,
  UnreserveBalanceData,
} from './bucket/bucket.commands';
export type {
  BalanceAdjustedData,
  BalanceDeductedData,
  BalanceReservedData,
  BalanceToppedUpData,
  BalanceTransferData,
  BalanceUnreservedData,
  ReservationExtendedData,
  BucketDeletedData,
  BucketOpenedData,
  BucketStatusChangedData,
  BucketStatusData,
  TopupCancelledData,
  TopupRequestedData,
  TransferDeclinedData,
} from './bucket/bucket.event-data';
export {
  BUCKET_EVENT_SCHEMA_VERSION,
  BUCKET_EVENT_TYPES,
  type BalanceAdjusted,
  type BalanceDeducted,
  type BalanceReserved,
  type BalanceToppedUp,
  type BalanceTransferredIn,
  type BalanceTransferredOut,
  type BalanceUnreserved,
  type BucketDeleted,
  type BucketEvent,
  type BucketEventData,
  type BucketEventOf,
  type BucketEventType,
  type BucketOpened,
  type BucketStatusChanged,
  type ReservationExtended,
  type TopupCancelled,
  type TransferDeclined,
  type TransferRefunded,
  type TopupRequested,
  bucketEvent,
  isBucketEvent,
} from './bucket/bucket.events';
export {
  type BucketState,
  type DeletedBucket,
  type LiveBucket,
  type NoBucket,
  type ReservationFacts,
  type TopupFacts,
  bucketStream,
  initialState,
  isLive,
} from './bucket/bucket.state';
export { bucketStatusAt, effectiveStatus } from './bucket/bucket.guards';
export { evolve, evolveOwned } from './bucket/bucket.evolve';
export { bucketDecider, decide, foldBucket } from './bucket/bucket.decider';
export {
  type BucketCandidate,
  type BucketReference,
  type BucketResolution,
  resolveBucket,
} from './bucket/bucket-resolution';
export type {
  CostOwner,
  RecordCreditRefused,
  RecordDebitRefused,
  RecordSourceDebited,
  RecordSourceRefunded,
  RecordTargetCredited,
  RequestTransfer,
  RequestTransferData,
  TransferCommand,
} from './transfer/transfer.commands';
export {
  TRANSFER_EVENT_TYPES,
  type TransferCompensating,
  type TransferCompleted,
  type TransferEvent,
  type TransferFailed,
  type TransferRequested,
  type TransferRequestedData,
  type TransferSourceDebited,
  isTransferEvent,
  transferStream,
} from './transfer/transfer.events';
export { type TransferState, type TransferStatus, initialTransferState, isFinal } from './transfer/transfer.state';
export { decideTransfer, evolveTransfer, foldTransfer, transferDecider } from './transfer/transfer.decider';
