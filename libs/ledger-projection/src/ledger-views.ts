import type {
  BalanceAdjustedData,
  BalanceDeductedData,
  BalanceReservedData,
  BalanceToppedUpData,
  BalanceTransferData,
  BalanceUnreservedData,
  ReservationExtendedData,
  BucketOpenedData,
  BucketStatusChangedData,
  QuantityData,
  TopupCancelledData,
  TopupRequestedData,
} from '@ledger/domain';
import { formatAmount, parseAmount } from '@ledger/domain';

/**
 * Pure folds from bucket-stream events to the TMF654 v2 models the API serves and Kafka carries.
 * Amounts stay canonical decimal strings here; they become exact JSON numbers only when
 * serialised (toExactJson, in @ledger/contracts). `href` is added by whoever serves the document.
 */
export type Doc = Record<string, unknown>;

/** What the resource fold reads of an event. */
export interface ResourceEvent {
  type: string;
  data: Record<string, unknown>;
}

/** What the whole fold reads of a recorded event: the activity row also needs its id, time and actor. */
export type ViewEvent = ResourceEvent & { id: string; metadata: { recordedAt: string; actor?: unknown } };

export interface ResourceChanges {
  bucket?: { doc: Doc; deleted: boolean };
  topup?: { id: string; doc: Doc };
  adjustment?: { id: string; doc: Doc };
}

export interface ViewChanges extends ResourceChanges {
  activity: Doc;
}

const withoutUndefined = (doc: Doc): Doc => Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined));

function zero(units: string | undefined): QuantityData | undefined {
  return units === undefined ? undefined : { amount: '0', units };
}

/** Activity amounts are signed like adjustments: a reversal takes the credit back. */
function negate(q: QuantityData): QuantityData {
  return { amount: formatAmount(-parseAmount(q.amount)), units: q.units };
}

function openBucket(d: BucketOpenedData): Doc {
  return withoutUndefined({
    id: d.bucketId,
    type: d.type,
    name: d.name,
    description: d.description,
    partyAccount: d.partyAccount,
    product: d.product,
    realizingResource: d.realizingResource,
    relatedParty: d.relatedParty,
    amount: d.amount,
    reservedAmount: d.reservedAmount,
    creditLimit: d.creditLimit,
    status: d.status,
    validFor: d.validFor,
  });
}

function topupDoc(d: TopupRequestedData): Doc {
  const { topupId, bucketId, schemaVersion: _v, ...fields } = d as TopupRequestedData & { schemaVersion?: number };
  return withoutUndefined({ id: topupId, ...fields, bucket: { id: bucketId } });
}

function adjustmentDoc(d: BalanceAdjustedData): Doc {
  const {
    adjustmentId,
    bucketId,
    amountBefore: _b,
    amountAfter: _a,
    schemaVersion: _v,
    ...fields
  } = d as BalanceAdjustedData & { schemaVersion?: number };
  return withoutUndefined({ id: adjustmentId, ...fields, bucket: { id: bucketId } });
}

/**
 * Who asked for the change: the requestor the request named, else the authenticated caller (id =
 * token subject, name = client id, role = ledger roles). Events recorded before the ledger knew its
 * callers carry no actor, and their activity stays exactly as it was.
 */
function requestor(event: ViewEvent): Doc | undefined {
  const actor = event.metadata.actor as { subject?: unknown; clientId?: unknown; roles?: unknown } | undefined;
  if (typeof actor?.subject !== 'string') return undefined;
  const named = (event.data as { requestor?: Doc }).requestor;
  if (named !== undefined) return named;
  const roles = Array.isArray(actor.roles) && actor.roles.length > 0 ? actor.roles.join(',') : undefined;
  return withoutUndefined({
    id: actor.subject,
    name: typeof actor.clientId === 'string' ? actor.clientId : undefined,
    role: roles,
  });
}

function activity(event: ViewEvent, bucket: Doc | undefined, fields: Doc): Doc {
  const units = (bucket?.amount as QuantityData | undefined)?.units;
  return withoutUndefined({
    id: event.id,
    date: event.metadata.recordedAt,
    bucketBalance: { id: (event.data as { bucketId: string }).bucketId },
    product: (bucket?.product as Doc[] | undefined)?.[0],
    partyAccount: bucket?.partyAccount,
    relatedParty: bucket?.relatedParty,
    amount: zero(units),
    ...fields,
    requestor: requestor(event),
  });
}

/**
 * Applies one event to the current bucket document (undefined before BucketOpened) and to the
 * topup it names. Balances are set to the event's amountAfter, never added to: the same event
 * folded twice gives the same documents.
 */
export function foldResources(bucket: Doc | undefined, event: ResourceEvent, topup?: Doc): ResourceChanges {
  const data = event.data;
  switch (event.type) {
    case 'BucketOpened': {
      const doc = openBucket(data as unknown as BucketOpenedData);
      return { bucket: { doc, deleted: false } };
    }
    case 'TopupRequested': {
      const d = data as unknown as TopupRequestedData;
      return { bucket: bucket && { doc: bucket, deleted: false }, topup: { id: d.topupId, doc: topupDoc(d) } };
    }
    case 'BalanceToppedUp': {
      const d = data as unknown as BalanceToppedUpData;
      const doc = { ...bucket, amount: d.amountAfter };
      return {
        bucket: { doc, deleted: false },
        topup: { id: d.topupId, doc: { ...topup, status: 'confirmed', confirmationDate: d.confirmationDate } },
      };
    }
    case 'TopupCancelled': {
      const d = data as unknown as TopupCancelledData;
      const doc = d.reversal ? { ...bucket, amount: d.reversal.amountAfter } : { ...bucket };
      return {
        bucket: { doc, deleted: false },
        topup: { id: d.topupId, doc: { ...topup, status: 'cancelled', statusChangeDate: d.cancellationDate } },
      };
    }
    case 'BalanceAdjusted': {
      const d = data as unknown as BalanceAdjustedData;
      const doc = { ...bucket, amount: d.amountAfter };
      return { bucket: { doc, deleted: false }, adjustment: { id: d.adjustmentId, doc: adjustmentDoc(d) } };
    }
    case 'BucketStatusChanged': {
      const d = data as unknown as BucketStatusChangedData;
      const doc = { ...bucket, status: d.status };
      return { bucket: { doc, deleted: false } };
    }
    case 'BucketDeleted':
      return { bucket: { doc: { ...bucket }, deleted: true } };
    case 'BalanceReserved':
    case 'BalanceUnreserved': {
      const d = data as unknown as BalanceReservedData | BalanceUnreservedData;
      return { bucket: { doc: { ...bucket, reservedAmount: d.reservedAfter }, deleted: false } };
    }
    case 'BalanceDeducted': {
      const d = data as unknown as BalanceDeductedData;
      return { bucket: { doc: { ...bucket, amount: d.amountAfter, reservedAmount: d.reservedAfter }, deleted: false } };
    }
    case 'BalanceTransferredOut':
    case 'BalanceTransferredIn':
    case 'TransferRefunded': {
      const d = data as unknown as BalanceTransferData;
      return { bucket: { doc: { ...bucket, amount: d.amountAfter }, deleted: false } };
    }
    default:
      return { bucket: bucket && { doc: bucket, deleted: false } };
  }
}

/** Transfer legs as activity: what left is negative, what arrived (or came back) positive. */
const TRANSFER_ACTIVITY: Record<string, { type: string; sign: 1 | -1 }> = {
  BalanceTransferredOut: { type: 'transferOut', sign: -1 },
  BalanceTransferredIn: { type: 'transferIn', sign: 1 },
  TransferRefunded: { type: 'transferRefund', sign: 1 },
};

/** Reservations move what is held, not the balance: the activity shows the hold before and after. */
function chargingActivity(event: ResourceEvent): Doc | undefined {
  const data = event.data;
  switch (event.type) {
    case 'BalanceReserved': {
      const d = data as unknown as BalanceReservedData;
      const held = { reservedBefore: d.reservedBefore, reservedAfter: d.reservedAfter };
      return {
        type: 'reservation',
        action: { id: d.reservationId },
        amount: d.amount,
        ...held,
        expiresAt: d.expiresAt,
      };
    }
    case 'ReservationExtended': {
      const d = data as unknown as ReservationExtendedData;
      const expiry = { expiresAt: d.expiresAt, previousExpiresAt: d.previousExpiresAt };
      return { type: 'reservationExtension', action: { id: d.reservationId }, ...expiry };
    }
    case 'BalanceUnreserved': {
      const d = data as unknown as BalanceUnreservedData;
      const type = d.cause === 'expired' ? 'reservationExpiry' : 'unreservation';
      const held = { reservedBefore: d.reservedBefore, reservedAfter: d.reservedAfter };
      return { type, action: { id: d.reservationId }, amount: d.amount, ...held, reason: d.reason };
    }
    case 'BalanceDeducted': {
      const d = data as unknown as BalanceDeductedData;
      return {
        type: 'deduction',
        action: { id: d.deductionId },
        amount: negate(d.amount),
        amountBefore: d.amountBefore,
        amountAfter: d.amountAfter,
        reservedBefore: d.reservedBefore,
        reservedAfter: d.reservedAfter,
        reservation: d.reservationId === undefined ? undefined : { id: d.reservationId },
      };
    }
    case 'TransferDeclined':
      return { type: 'transferDeclined', action: { id: (data as { transferId: string }).transferId } };
    default: {
      const leg = TRANSFER_ACTIVITY[event.type];
      if (!leg) return undefined;
      const d = data as unknown as BalanceTransferData;
      const amount = leg.sign < 0 ? negate(d.amount) : d.amount;
      return {
        type: leg.type,
        action: { id: d.transferId },
        amount,
        amountBefore: d.amountBefore,
        amountAfter: d.amountAfter,
      };
    }
  }
}

/** The activity row's own fields; `doc` is the bucket document after the event. */
function activityFields(event: ResourceEvent, doc: Doc | undefined): Doc {
  const data = event.data;
  switch (event.type) {
    case 'BucketOpened':
      return { type: 'bucketCreation', amount: doc?.amount ?? zero(undefined) };
    case 'TopupRequested': {
      const d = data as unknown as TopupRequestedData;
      return { type: 'topupRequest', action: { id: d.topupId }, amount: d.amount };
    }
    case 'BalanceToppedUp': {
      const d = data as unknown as BalanceToppedUpData;
      return {
        type: 'topup',
        action: { id: d.topupId },
        amount: d.amount,
        amountBefore: d.amountBefore,
        amountAfter: d.amountAfter,
      };
    }
    case 'TopupCancelled': {
      const d = data as unknown as TopupCancelledData;
      const reversal = d.reversal
        ? {
            amount: negate(d.reversal.amount),
            amountBefore: d.reversal.amountBefore,
            amountAfter: d.reversal.amountAfter,
          }
        : {};
      return { type: 'topupCancellation', action: { id: d.topupId }, ...reversal };
    }
    case 'BalanceAdjusted': {
      const d = data as unknown as BalanceAdjustedData;
      return {
        type: 'adjustment',
        action: { id: d.adjustmentId },
        amount: d.amount,
        amountBefore: d.amountBefore,
        amountAfter: d.amountAfter,
      };
    }
    case 'BucketStatusChanged': {
      const d = data as unknown as BucketStatusChangedData;
      return { type: 'statusChange', status: d.status, previousStatus: d.previousStatus, reason: d.reason };
    }
    case 'BucketDeleted':
      return { type: 'bucketDeletion' };
    default:
      return chargingActivity(event) ?? { type: event.type };
  }
}

/** The resource fold plus the event's activity row, which describes the bucket as the event left it. */
export function foldEvent(bucket: Doc | undefined, event: ViewEvent, topup?: Doc): ViewChanges {
  const changes = foldResources(bucket, event, topup);
  const after = changes.bucket?.doc;
  return { ...changes, activity: activity(event, after, activityFields(event, after)) };
}
