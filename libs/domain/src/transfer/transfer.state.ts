import type { TransferRequestedData } from './transfer.events';

export type TransferStatus = 'requested' | 'debited' | 'compensating' | 'completed' | 'failed';

/** What the process needs to take its next step; `refusal` is why it is compensating or failed. */
export type TransferState =
  | { readonly status: 'none' }
  | {
      readonly status: TransferStatus;
      readonly request: TransferRequestedData;
      readonly debited: boolean;
      readonly refusal?: { readonly code: string; readonly reason: string };
    };

export function initialTransferState(): TransferState {
  return { status: 'none' };
}

/** Completed and failed transfers take no more steps; anything else is resumed after a crash. */
export function isFinal(state: TransferState): boolean {
  return state.status === 'completed' || state.status === 'failed';
}
