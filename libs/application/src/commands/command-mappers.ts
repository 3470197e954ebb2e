import {
  type AdjustBalance,
  type CommandMetadata,
  type OpenBucket,
  type Quantity,
  type TopupBalance,
  parseQuantity,
} from '@ledger/domain';
import type { AdjustBalanceInput, OpenBucketInput, TopupBalanceInput } from './command-inputs';
import type { BucketTarget } from './bucket-targeting';

/**
 * One mapper per command, from a validated input to the domain command. Every field the client
 * sent travels into the command (and so into its events, from which read models are rebuilt);
 * only amounts are parsed, and the ids and the target bucket are the server's.
 */
export function openBucketCommand(input: OpenBucketInput, bucketId: string, metadata: CommandMetadata): OpenBucket {
  const { amount, reservedAmount, creditLimit, ...fields } = input;
  const quantities = { amount, reservedAmount, creditLimit };
  return { type: 'OpenBucket', data: { ...fields, bucketId, ...parsedQuantities(quantities) }, metadata };
}

export function topupBalanceCommand(
  input: TopupBalanceInput,
  topupId: string,
  target: BucketTarget,
  metadata: CommandMetadata,
): TopupBalance {
  const { bucket: _bucket, amount, ...fields } = input;
  const data = {
    ...fields,
    topupId,
    bucketId: target.bucketId,
    openIfMissing: target.openIfMissing,
    amount: parseQuantity(amount),
  };
  return { type: 'TopupBalance', data, metadata };
}

export function adjustBalanceCommand(
  input: AdjustBalanceInput,
  adjustmentId: string,
  target: BucketTarget,
  metadata: CommandMetadata,
): AdjustBalance {
  const { bucket: _bucket, amount, ...fields } = input;
  return {
    type: 'AdjustBalance',
    data: { ...fields, adjustmentId, bucketId: target.bucketId, amount: parseQuantity(amount) },
    metadata,
  };
}

/** Parses the quantities present, each refused by its own field name. */
function parsedQuantities<K extends string>(values: Record<K, unknown>): Partial<Record<K, Quantity>> {
  const present = Object.entries(values).filter(([, value]) => value !== undefined);
  return Object.fromEntries(present.map(([field, value]) => [field, parseQuantity(value, field)])) as Partial<
    Record<K, Quantity>
  >;
}
