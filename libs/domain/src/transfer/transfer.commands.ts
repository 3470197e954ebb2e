import type { Quantity } from '../amount/quantity';
import type { CommandMetadata } from '../bucket/bucket.commands';
import type { RelatedPartyRef } from '../tmf-refs';

type Command<Type extends string, Data> = {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: CommandMetadata;
};

/** Who pays the transfer cost: the originator on top of the amount, or the recipient out of it. */
export type CostOwner = 'originator' | 'recipient';

export interface RequestTransferData {
  readonly transferId: string;
  readonly sourceBucketId: string;
  readonly targetBucketId: string;
  readonly amount: Quantity;
  readonly transferCost?: Quantity;
  readonly costOwner?: CostOwner;
  readonly requestor?: RelatedPartyRef;
  readonly description?: string;
}

/**
 * A transfer is a process over three streams (its own, the source bucket's and the target's):
 * requested → source debited → completed, or, when the target refuses the credit, → compensating
 * → failed once the source is refunded. Each step is recorded here after the bucket stream took it.
 */
export type RequestTransfer = Command<'RequestTransfer', RequestTransferData>;
export type RecordSourceDebited = Command<'RecordSourceDebited', { readonly transferId: string }>;
export type RecordDebitRefused = Command<
  'RecordDebitRefused',
  { readonly transferId: string; readonly code: string; readonly reason: string }
>;
export type RecordTargetCredited = Command<'RecordTargetCredited', { readonly transferId: string }>;
export type RecordCreditRefused = Command<
  'RecordCreditRefused',
  { readonly transferId: string; readonly code: string; readonly reason: string }
>;
export type RecordSourceRefunded = Command<'RecordSourceRefunded', { readonly transferId: string }>;

export type TransferCommand =
  | RequestTransfer
  | RecordSourceDebited
  | RecordDebitRefused
  | RecordTargetCredited
  | RecordCreditRefused
  | RecordSourceRefunded;
