import type { QuantityData } from '../amount/quantity';
import type { RelatedPartyRef } from '../tmf-refs';
import type { CostOwner } from './transfer.commands';

/** Stored shapes of the transfer stream's events (schema version 1); type names are never renamed. */
export interface TransferRequestedData {
  readonly transferId: string;
  readonly sourceBucketId: string;
  readonly targetBucketId: string;
  readonly amount: QuantityData;
  readonly transferCost?: QuantityData;
  readonly costOwner: CostOwner;
  /** What the source gives up and what the target receives, cost included: fixed at request time. */
  readonly debit: QuantityData;
  readonly credit: QuantityData;
  readonly requestor?: RelatedPartyRef;
  readonly description?: string;
  readonly requestedDate: string;
}

type Step = { readonly transferId: string; readonly at: string };
type Refusal = Step & { readonly code: string; readonly reason: string };

type Versioned = { readonly schemaVersion: 1 };
type Event<Type extends string, Data> = { readonly type: Type; readonly data: Data & Versioned };

export type TransferRequested = Event<'TransferRequested', TransferRequestedData>;
export type TransferSourceDebited = Event<'TransferSourceDebited', Step>;
export type TransferCompleted = Event<'TransferCompleted', Step>;
/** The target refused the credit: the source must be refunded before the transfer can fail. */
export type TransferCompensating = Event<'TransferCompensating', Refusal>;
export type TransferFailed = Event<'TransferFailed', Refusal & { readonly refunded: boolean }>;

export type TransferEvent =
  TransferRequested | TransferSourceDebited | TransferCompleted | TransferCompensating | TransferFailed;

export const TRANSFER_EVENT_TYPES: readonly TransferEvent['type'][] = [
  'TransferRequested',
  'TransferSourceDebited',
  'TransferCompleted',
  'TransferCompensating',
  'TransferFailed',
];

export function isTransferEvent(value: { type: string }): value is TransferEvent {
  return (TRANSFER_EVENT_TYPES as readonly string[]).includes(value.type);
}

/** The stream name of a transfer; the only place the `transfer-` prefix is spelled. */
export function transferStream(transferId: string): string {
  return `transfer-${transferId}`;
}
