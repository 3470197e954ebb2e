import { checkedAmount } from '../amount/decimal';
import { type Quantity, parseUnits, toQuantityData } from '../amount/quantity';
import { domainError } from '../domain-error';
import type { DeclineTransfer, RefundTransfer, TransferIn, TransferOut } from './bucket.commands';
import {
  type BalanceTransferredIn,
  type BalanceTransferredOut,
  type TransferDeclined,
  type TransferRefunded,
  bucketEvent,
} from './bucket.events';
import { type DecisionTime, assertUnits, assertUsable, moveBalance, requireLive } from './bucket.guards';
import type { BucketState } from './bucket.state';

/**
 * The debit of a transfer: an active bucket, and the available balance may not go below
 * −creditLimit, as for any debit. Applied once per transfer id.
 */
export function transferOut(state: BucketState, command: TransferOut, time: DecisionTime): BalanceTransferredOut[] {
  const { bucketId, transferId, amount } = command.data;
  positive(amount);
  const bucket = requireLive(state, bucketId);
  if (bucket.transfersOut.has(transferId)) return [];
  assertUsable(bucket, time);
  assertUnits(bucket, amount.units);
  const move = moveBalance(bucket, -amount.amount, amount.units);
  return [
    bucketEvent('BalanceTransferredOut', {
      bucketId,
      transferId,
      amount: toQuantityData(amount),
      ...move,
      at: time.now,
    }),
  ];
}

/** The credit of a transfer: the target must be usable (active, inside its validity), or it refuses. */
export function transferIn(state: BucketState, command: TransferIn, time: DecisionTime): BalanceTransferredIn[] {
  const { bucketId, transferId, amount } = command.data;
  positive(amount);
  const bucket = requireLive(state, bucketId);
  if (bucket.transfersIn.has(transferId)) return [];
  if (bucket.transfersDeclined.has(transferId)) {
    throw domainError('TRANSFER.DECLINED', `bucket ${bucketId} declined transfer ${transferId}`, 'transferId');
  }
  assertUsable(bucket, time);
  assertUnits(bucket, amount.units);
  const move = moveBalance(bucket, amount.amount, amount.units);
  return [
    bucketEvent('BalanceTransferredIn', {
      bucketId,
      transferId,
      amount: toQuantityData(amount),
      ...move,
      at: time.now,
    }),
  ];
}

/**
 * Gives back a transfer's debit after its credit was refused. Money going back where it came from
 * is never refused for the bucket's status or validity: refusing it would destroy the amount.
 */
export function refundTransfer(state: BucketState, command: RefundTransfer, time: DecisionTime): TransferRefunded[] {
  const { bucketId, transferId } = command.data;
  const bucket = requireLive(state, bucketId);
  const debit = bucket.transfersOut.get(transferId);
  if (debit === undefined) {
    throw domainError(
      'TRANSFER.NOT_FOUND',
      `bucket ${bucketId} was not debited by transfer ${transferId}`,
      'transferId',
    );
  }
  if (debit.refunded) return [];
  const units = bucket.units ?? '';
  const after = checkedAmount(bucket.amount + debit.amount, 'amount.amount');
  return [
    bucketEvent('TransferRefunded', {
      bucketId,
      transferId,
      amount: toQuantityData({ amount: debit.amount, units }),
      amountBefore: toQuantityData({ amount: bucket.amount, units }),
      amountAfter: toQuantityData({ amount: after, units }),
      at: time.now,
    }),
  ];
}

/**
 * Declines a transfer this bucket has not credited, whatever its status (it moves no money), so
 * the source may be refunded; one it has credited is refused, and the process records the credit.
 */
export function declineTransfer(state: BucketState, command: DeclineTransfer, time: DecisionTime): TransferDeclined[] {
  const { bucketId, transferId } = command.data;
  const bucket = requireLive(state, bucketId);
  if (bucket.transfersIn.has(transferId)) {
    throw domainError(
      'TRANSFER.ALREADY_CREDITED',
      `bucket ${bucketId} was credited by transfer ${transferId}`,
      'transferId',
    );
  }
  if (bucket.transfersDeclined.has(transferId)) return [];
  return [bucketEvent('TransferDeclined', { bucketId, transferId, at: time.now })];
}

function positive(quantity: Quantity): void {
  parseUnits(quantity.units, 'amount.units');
  if (checkedAmount(quantity.amount, 'amount.amount') <= 0n) {
    throw domainError('AMOUNT.NOT_POSITIVE', 'amount.amount must be greater than 0', 'amount.amount');
  }
}
