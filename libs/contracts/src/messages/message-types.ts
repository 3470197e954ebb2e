/**
 * The values of the two published messages, as their JSON Schemas in `libs/contracts/schemas`
 * describe them. `Amount` is how a Quantity amount is held: a JSON number on the wire (written
 * with every digit: parse it losslessly to keep them), and, on the producer's side before
 * toExactJson writes it as that number, its exact decimal text (`string`). Object types rather
 * than interfaces: a projected document (a plain record) can be narrowed to one.
 */

/** The value of schema-version in each message's headers; the `title` of the value's schema. */
export const BUCKET_STATE_SCHEMA = 'ledger.bucket-state.v1';
export const BALANCE_EVENT_SCHEMA = 'ledger.balance-event.v1';

type Quantity<Amount> = { amount: Amount; units: string };
/** A TM Forum reference: fields other than these are kept exactly as the client sent them. */
type Ref = { id?: string; href?: string; name?: string; '@referredType'?: string; [extra: string]: unknown };
type IdentifiedRef = Ref & { id: string };
/** Global event-store position as decimal strings: JSON numbers cannot carry 64 bits. */
type Position = { commit: string; prepare: string };
type BucketStatus = 'active' | 'expired' | 'suspended';

/** ledger.bucket-state.v1: the TMF654 v2 BucketBalance after one event, with its version and position; a deleted bucket is a tombstone. */
export type BucketStateMessage<Amount = number> = {
  id: string;
  href: string;
  type?: string;
  name?: string;
  description?: string;
  partyAccount?: IdentifiedRef;
  product: IdentifiedRef[];
  realizingResource?: Ref[];
  relatedParty?: Ref[];
  amount?: Quantity<Amount>;
  reservedAmount?: Quantity<Amount>;
  creditLimit?: Quantity<Amount>;
  status: BucketStatus;
  validFor: { startDateTime?: string; endDateTime?: string };
  /** Stream revision after the event. */
  version: number;
  position: Position;
};

export type LedgerEventType =
  | 'BucketOpened'
  | 'TopupRequested'
  | 'BalanceToppedUp'
  | 'TopupCancelled'
  | 'BalanceAdjusted'
  | 'BucketStatusChanged'
  | 'BucketDeleted'
  | 'BalanceReserved'
  | 'ReservationExtended'
  | 'BalanceUnreserved'
  | 'BalanceDeducted'
  | 'BalanceTransferredOut'
  | 'BalanceTransferredIn'
  | 'TransferRefunded'
  | 'TransferDeclined';

/** The balance activity row an event produced; signed amounts (a debit or a reversal is negative). */
export type BalanceActivity<Amount = number> = {
  id: string;
  date: string;
  type:
    | 'bucketCreation'
    | 'topupRequest'
    | 'topup'
    | 'topupCancellation'
    | 'adjustment'
    | 'statusChange'
    | 'bucketDeletion'
    | 'reservation'
    | 'reservationExtension'
    | 'unreservation'
    | 'reservationExpiry'
    | 'deduction'
    | 'transferOut'
    | 'transferIn'
    | 'transferRefund'
    | 'transferDeclined';
  bucketBalance: { id: string };
  action?: { id: string };
  product?: IdentifiedRef;
  partyAccount?: IdentifiedRef;
  relatedParty?: Ref[];
  amount?: Quantity<Amount>;
  amountBefore?: Quantity<Amount>;
  amountAfter?: Quantity<Amount>;
  status?: BucketStatus;
  previousStatus?: BucketStatus;
  reason?: string;
  /** The bucket's reservedAmount around a reservation or deduction. */
  reservedBefore?: Quantity<Amount>;
  reservedAfter?: Quantity<Amount>;
  expiresAt?: string;
  previousExpiresAt?: string;
  /** The reservation a deduction captured from. */
  reservation?: { id: string };
  /** The requestor the request named, else the authenticated caller (id = subject, name = client id). */
  requestor?: IdentifiedRef;
};

/** ledger.balance-event.v1: one stored event and the balance activity it produced. */
export type BalanceEventMessage<Amount = number> = {
  eventId: string;
  eventType: LedgerEventType;
  eventTime: string;
  bucketId: string;
  version: number;
  position: Position;
  activity: BalanceActivity<Amount>;
};

export type MessageHeadersV1 = Record<
  'event-id' | 'event-type' | 'version' | 'correlation-id' | 'content-type' | 'schema-version',
  string
>;
