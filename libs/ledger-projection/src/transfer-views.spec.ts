import type { TransferEvent } from '@ledger/domain';
import { foldTransferDoc } from './transfer-views';

const AT = '2025-03-01T10:00:00Z';
const eur = (amount: string) => ({ amount, units: 'EUR' });
const requested: TransferEvent = {
  type: 'TransferRequested',
  data: {
    transferId: 'x-1',
    sourceBucketId: 'b-1',
    targetBucketId: 'b-2',
    amount: eur('10'),
    transferCost: eur('0.5'),
    costOwner: 'originator',
    debit: eur('10.5'),
    credit: eur('10'),
    requestedDate: AT,
    schemaVersion: 1,
  },
};
const step = (type: 'TransferSourceDebited' | 'TransferCompleted'): TransferEvent => ({
  type,
  data: { transferId: 'x-1', at: AT, schemaVersion: 1 },
});
const fold = (events: TransferEvent[]) =>
  events.reduce<Record<string, unknown> | undefined>((doc, e) => foldTransferDoc(doc, e), undefined);

describe('the transfer document', () => {
  it('is in progress from the request until the process ends it', () => {
    expect(fold([requested, step('TransferSourceDebited')])).toMatchObject({
      id: 'x-1',
      status: 'in progress',
      state: 'debited',
      bucket: { id: 'b-1' },
      receiverBucket: { id: 'b-2' },
      debit: eur('10.5'),
      credit: eur('10'),
    });
    expect(fold([requested, step('TransferSourceDebited'), step('TransferCompleted')])).toMatchObject({
      status: 'completed',
      completedDate: AT,
    });
  });

  it('shows why a transfer failed and whether its source was refunded', () => {
    const failed: TransferEvent = {
      type: 'TransferFailed',
      data: {
        transferId: 'x-1',
        at: AT,
        code: 'BUCKET.SUSPENDED',
        reason: 'suspended',
        refunded: true,
        schemaVersion: 1,
      },
    };
    expect(fold([requested, step('TransferSourceDebited'), failed])).toMatchObject({
      status: 'failed',
      reason: { code: 'BUCKET.SUSPENDED', reason: 'suspended' },
      refunded: true,
    });
  });

  it('is idempotent when the same event arrives twice', () => {
    const once = fold([requested, step('TransferSourceDebited')]);
    expect(foldTransferDoc(once, requested)).toEqual(once);
  });
});
