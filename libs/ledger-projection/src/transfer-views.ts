import type { TransferEvent, TransferRequestedData } from '@ledger/domain';
import type { Doc } from './ledger-views';

/** The public status of a transfer: the process's own steps are `state`. */
export type TransferDocStatus = 'in progress' | 'completed' | 'failed';

/**
 * A transfer's read-model document, folded from its stream. Version-neutral like the bucket
 * documents: amounts as exact decimal strings, presenters add hrefs and version wording.
 */
export function foldTransferDoc(current: Doc | undefined, event: TransferEvent): Doc | undefined {
  switch (event.type) {
    case 'TransferRequested': {
      if (current) return current;
      const d = event.data;
      return strip({
        id: d.transferId,
        status: 'in progress',
        state: 'requested',
        bucket: { id: d.sourceBucketId },
        receiverBucket: { id: d.targetBucketId },
        amount: d.amount,
        transferCost: d.transferCost,
        costOwner: d.costOwner,
        debit: d.debit,
        credit: d.credit,
        requestor: d.requestor,
        description: d.description,
        requestedDate: d.requestedDate,
      });
    }
    case 'TransferSourceDebited':
      return current && { ...current, state: 'debited' };
    case 'TransferCompleted':
      return current && { ...current, status: 'completed', state: 'completed', completedDate: event.data.at };
    case 'TransferCompensating':
      return current && { ...current, state: 'compensating', reason: refusal(event.data) };
    case 'TransferFailed':
      return (
        current && {
          ...current,
          status: 'failed',
          state: 'failed',
          completedDate: event.data.at,
          reason: refusal(event.data),
          refunded: event.data.refunded,
        }
      );
    default: {
      const unexpected: never = event;
      return unexpected;
    }
  }
}

function refusal(data: { code: string; reason: string }): Doc {
  return { code: data.code, reason: data.reason };
}

function strip(doc: Record<string, unknown>): Doc {
  return Object.fromEntries(Object.entries(doc).filter(([, v]) => v !== undefined)) as Doc;
}

/** The document of a transfer from its process state, for an answer the read model has not caught up with. */
export function transferStateDoc(state: {
  status: string;
  request: TransferRequestedData;
  refusal?: { code: string; reason: string };
}): Doc {
  const requested = foldTransferDoc(undefined, {
    type: 'TransferRequested',
    data: { ...state.request, schemaVersion: 1 },
  }) as Doc;
  const status = state.status === 'completed' || state.status === 'failed' ? state.status : 'in progress';
  return { ...requested, status, state: state.status, ...(state.refusal ? { reason: { ...state.refusal } } : {}) };
}
