import type { CostOwner, RelatedPartyRef } from '@ledger/domain';
import type { QuantityInput } from '../commands/command-inputs';

/** A transfer as an entry point hands it over; the transfer id is the process's to choose. */
export interface RequestTransferInput {
  readonly sourceBucketId: string;
  readonly targetBucketId: string;
  readonly amount: QuantityInput;
  readonly transferCost?: QuantityInput;
  readonly costOwner?: CostOwner;
  readonly requestor?: RelatedPartyRef;
  readonly description?: string;
}

/** Where the process finds the transfers a crash may have left unfinished (the rm_transfers read model). */
export interface PendingTransfers {
  /** Ids of transfers not yet final whose last step is older than `quietMs`. */
  pendingTransferIds(quietMs: number, limit: number): Promise<string[]>;
}
