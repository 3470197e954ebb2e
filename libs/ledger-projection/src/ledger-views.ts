import type {
  BalanceAdjustedData,
  BalanceToppedUpData,
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

/** What the whole fold reads of a recorded event: the activity row also needs its id and time. */
export type ViewEvent = ResourceEvent & { id: string; metadata: { recordedAt: string } };

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
    default:
      return { bucket: bucket && { doc: bucket, deleted: false } };
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
      return { type: event.type };
  }
}

/** The resource fold plus the event's activity row, which describes the bucket as the event left it. */
export function foldEvent(bucket: Doc | undefined, event: ViewEvent, topup?: Doc): ViewChanges {
  const changes = foldResources(bucket, event, topup);
  const after = changes.bucket?.doc;
  return { ...changes, activity: activity(event, after, activityFields(event, after)) };
}
