import { parseInstant } from '../time/time-period';
import { adjustBalance } from './adjust-balance.decision';
import type { BucketCommand } from './bucket.commands';
import type { BucketEvent } from './bucket.events';
import { evolve, evolveOwned } from './bucket.evolve';
import type { DecisionTime } from './bucket.guards';
import { type BucketState, initialState } from './bucket.state';
import { changeBucketStatus, deleteBucket } from './bucket-status.decision';
import { deductBalance } from './deduct-balance.decision';
import { openBucket } from './open-bucket.decision';
import { expireReservation, extendReservation, reserveBalance, unreserveBalance } from './reservation.decision';
import { topupBalance } from './topup-balance.decision';
import { declineTransfer, refundTransfer, transferIn, transferOut } from './transfer-balance.decision';
import { cancelTopup, confirmTopup } from './topup-lifecycle.decision';

/**
 * The bucket decider: `decide(state, command)` returns the events to append (an empty list when
 * the command was already applied) or throws a DomainError; `evolve` folds them back. Both are
 * pure: `metadata.now` is the only clock, and all ids come with the command.
 */
export function decide(state: BucketState, command: BucketCommand): BucketEvent[] {
  const time: DecisionTime = { now: command.metadata.now, nowMs: parseInstant(command.metadata.now, 'metadata.now') };
  switch (command.type) {
    case 'OpenBucket':
      return openBucket(state, command, time);
    case 'TopupBalance':
      return topupBalance(state, command, time);
    case 'ConfirmTopup':
      return confirmTopup(state, command, time);
    case 'CancelTopup':
      return cancelTopup(state, command, time);
    case 'AdjustBalance':
      return adjustBalance(state, command, time);
    case 'ChangeBucketStatus':
      return changeBucketStatus(state, command, time);
    case 'DeleteBucket':
      return deleteBucket(state, command, time);
    case 'ReserveBalance':
      return reserveBalance(state, command, time);
    case 'ExtendReservation':
      return extendReservation(state, command, time);
    case 'UnreserveBalance':
      return unreserveBalance(state, command, time);
    case 'DeductBalance':
      return deductBalance(state, command, time);
    case 'ExpireReservation':
      return expireReservation(state, command, time);
    case 'TransferOut':
      return transferOut(state, command, time);
    case 'TransferIn':
      return transferIn(state, command, time);
    case 'RefundTransfer':
      return refundTransfer(state, command, time);
    case 'DeclineTransfer':
      return declineTransfer(state, command, time);
    default: {
      const unexpected: never = command;
      throw new Error(`unknown bucket command ${(unexpected as { type: string }).type}`);
    }
  }
}

/**
 * Folds a stream's events from the initial state, as a command handler does before deciding.
 * Linear in the stream's length: the state is new, so the fold may extend its records in place.
 */
export function foldBucket(events: readonly BucketEvent[]): BucketState {
  return events.reduce(evolveOwned, initialState());
}

export const bucketDecider = { decide, evolve, initialState } as const;
