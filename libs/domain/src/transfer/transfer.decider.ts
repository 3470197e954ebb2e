import { checkedAmount } from '../amount/decimal';
import { type Quantity, parseUnits, toQuantityData } from '../amount/quantity';
import { domainError } from '../domain-error';
import { parseInstant } from '../time/time-period';
import type { RequestTransfer, TransferCommand } from './transfer.commands';
import type { TransferEvent, TransferRequested } from './transfer.events';
import { type TransferState, type TransferStatus, initialTransferState } from './transfer.state';

const stamp = <T extends object>(data: T) => {
  const present = Object.entries(data).filter(([, value]) => value !== undefined);
  return { ...(Object.fromEntries(present) as T), schemaVersion: 1 as const };
};

/**
 * The transfer process's own decisions. Recording a step that is already recorded is a retry and
 * changes nothing, so a process resumed after a crash may repeat its last step safely; a step
 * that does not follow from the current status is refused.
 */
export function decideTransfer(state: TransferState, command: TransferCommand): TransferEvent[] {
  const at = command.metadata.now;
  parseInstant(at, 'metadata.now');
  const transferId = command.data.transferId;
  if (command.type === 'RequestTransfer') return requestTransfer(state, command);
  if (state.status === 'none') {
    throw domainError('TRANSFER.NOT_FOUND', `transfer ${transferId} does not exist`, 'transferId');
  }
  switch (command.type) {
    case 'RecordSourceDebited':
      if (state.debited) return [];
      expectStatus(state.status, 'requested', transferId);
      return [{ type: 'TransferSourceDebited', data: stamp({ transferId, at }) }];
    case 'RecordDebitRefused':
      if (state.status === 'failed') return [];
      expectStatus(state.status, 'requested', transferId);
      return [failed(transferId, at, command.data.code, command.data.reason, false)];
    case 'RecordTargetCredited':
      if (state.status === 'completed') return [];
      expectStatus(state.status, 'debited', transferId);
      return [{ type: 'TransferCompleted', data: stamp({ transferId, at }) }];
    case 'RecordCreditRefused': {
      if (state.status === 'compensating' || (state.status === 'failed' && state.debited)) return [];
      expectStatus(state.status, 'debited', transferId);
      const { code, reason } = command.data;
      return [{ type: 'TransferCompensating', data: stamp({ transferId, at, code, reason }) }];
    }
    case 'RecordSourceRefunded': {
      if (state.status === 'failed' && state.debited) return [];
      expectStatus(state.status, 'compensating', transferId);
      const refusal = state.refusal ?? { code: 'TRANSFER.CREDIT_REFUSED', reason: 'the target refused the credit' };
      return [failed(transferId, at, refusal.code, refusal.reason, true)];
    }
    default: {
      const unexpected: never = command;
      throw new Error(`unknown transfer command ${(unexpected as { type: string }).type}`);
    }
  }
}

export function evolveTransfer(state: TransferState, event: TransferEvent): TransferState {
  switch (event.type) {
    case 'TransferRequested':
      return state.status === 'none' ? { status: 'requested', request: event.data, debited: false } : state;
    case 'TransferSourceDebited':
      return state.status === 'none' ? state : { ...state, status: 'debited', debited: true };
    case 'TransferCompleted':
      return state.status === 'none' ? state : { ...state, status: 'completed' };
    case 'TransferCompensating':
      return state.status === 'none'
        ? state
        : { ...state, status: 'compensating', refusal: { code: event.data.code, reason: event.data.reason } };
    case 'TransferFailed':
      return state.status === 'none'
        ? state
        : { ...state, status: 'failed', refusal: { code: event.data.code, reason: event.data.reason } };
    default: {
      const unexpected: never = event;
      return unexpected;
    }
  }
}

export function foldTransfer(events: readonly TransferEvent[]): TransferState {
  return events.reduce(evolveTransfer, initialTransferState());
}

export const transferDecider = { decide: decideTransfer, evolve: evolveTransfer, initialState: initialTransferState };

/**
 * The amounts are fixed when the transfer is requested, so every later step moves exactly them:
 * the originator pays amount + cost and the recipient gets amount, or the originator pays amount
 * and the recipient gets amount − cost. The cost leaves the customers' buckets (it is the
 * operator's revenue); nothing else is created or destroyed.
 */
function requestTransfer(state: TransferState, command: RequestTransfer): TransferRequested[] {
  const data = command.data;
  const amount = positive(data.amount, 'amount');
  const cost = data.transferCost ? nonNegative(data.transferCost, 'transferCost') : 0n;
  if (data.transferCost && data.transferCost.units !== data.amount.units) {
    throw domainError('TRANSFER.UNITS_MISMATCH', 'transferCost.units must equal amount.units', 'transferCost.units');
  }
  if (data.sourceBucketId === data.targetBucketId) {
    throw domainError('TRANSFER.SAME_BUCKET', 'a transfer needs two different buckets', 'targetBucket.id');
  }
  const costOwner = data.costOwner ?? 'originator';
  if (costOwner === 'recipient' && cost >= amount) {
    throw domainError(
      'TRANSFER.COST_EXCEEDS_AMOUNT',
      'the recipient cannot pay a cost of the whole amount',
      'transferCost.amount',
    );
  }
  const units = data.amount.units;
  const q = (value: bigint) => toQuantityData({ amount: checkedAmount(value, 'amount.amount'), units });
  const debit = q(costOwner === 'originator' ? amount + cost : amount);
  const credit = q(costOwner === 'recipient' ? amount - cost : amount);
  if (state.status !== 'none') {
    const same =
      state.request.sourceBucketId === data.sourceBucketId &&
      state.request.targetBucketId === data.targetBucketId &&
      state.request.debit.amount === debit.amount &&
      state.request.credit.amount === credit.amount;
    if (same) return [];
    throw domainError('TRANSFER.ALREADY_EXISTS', `transfer ${data.transferId} exists with other terms`, 'transferId');
  }
  return [
    {
      type: 'TransferRequested',
      data: stamp({
        transferId: data.transferId,
        sourceBucketId: data.sourceBucketId,
        targetBucketId: data.targetBucketId,
        amount: toQuantityData(data.amount),
        transferCost: data.transferCost ? toQuantityData(data.transferCost) : undefined,
        costOwner,
        debit,
        credit,
        requestor: data.requestor,
        description: data.description,
        requestedDate: command.metadata.now,
      }),
    },
  ];
}

function expectStatus(actual: TransferStatus, expected: TransferStatus, transferId: string): void {
  if (actual !== expected) {
    throw domainError(
      'TRANSFER.INVALID_TRANSITION',
      `transfer ${transferId} is ${actual}, not ${expected}`,
      'transferId',
    );
  }
}

function failed(transferId: string, at: string, code: string, reason: string, refunded: boolean): TransferEvent {
  return { type: 'TransferFailed', data: stamp({ transferId, at, code, reason, refunded }) };
}

function positive(quantity: Quantity, field: string): bigint {
  parseUnits(quantity.units, `${field}.units`);
  const value = checkedAmount(quantity.amount, `${field}.amount`);
  if (value <= 0n)
    throw domainError('AMOUNT.NOT_POSITIVE', `${field}.amount must be greater than 0`, `${field}.amount`);
  return value;
}

function nonNegative(quantity: Quantity, field: string): bigint {
  parseUnits(quantity.units, `${field}.units`);
  const value = checkedAmount(quantity.amount, `${field}.amount`);
  if (value < 0n) throw domainError('AMOUNT.NEGATIVE', `${field}.amount must not be negative`, `${field}.amount`);
  return value;
}
