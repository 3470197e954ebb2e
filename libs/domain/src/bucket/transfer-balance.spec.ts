import { bucketEvent } from './bucket.events';
import type { BucketCommand } from './bucket.commands';
import { BUCKET_ID, NOW, eur, eurData, meta, opened, spec, statusChanged } from '../testing/bucket.fixtures';

const out = (amount: string): BucketCommand => ({
  type: 'TransferOut',
  data: { bucketId: BUCKET_ID, transferId: 'x-1', amount: eur(amount) },
  metadata: meta(),
});
const into = (amount: string): BucketCommand => ({
  type: 'TransferIn',
  data: { bucketId: BUCKET_ID, transferId: 'x-1', amount: eur(amount) },
  metadata: meta(),
});
const refund: BucketCommand = {
  type: 'RefundTransfer',
  data: { bucketId: BUCKET_ID, transferId: 'x-1' },
  metadata: meta(),
};
const decline: BucketCommand = {
  type: 'DeclineTransfer',
  data: { bucketId: BUCKET_ID, transferId: 'x-1' },
  metadata: meta(),
};
const declined = bucketEvent('TransferDeclined', { bucketId: BUCKET_ID, transferId: 'x-1', at: NOW });
const leg = (
  type: 'BalanceTransferredOut' | 'BalanceTransferredIn' | 'TransferRefunded',
  amount: string,
  before: string,
  after: string,
) =>
  bucketEvent(type, {
    bucketId: BUCKET_ID,
    transferId: 'x-1',
    amount: eurData(amount),
    amountBefore: eurData(before),
    amountAfter: eurData(after),
    at: NOW,
  });

describe('the bucket side of a transfer', () => {
  describe('when the bucket holds 100 EUR', () => {
    const given = spec.given([opened('100')]);

    it('debits a transfer out under the credit-limit rule', () => {
      given.when(out('30')).then([leg('BalanceTransferredOut', '30', '100', '70')]);
      given.when(out('100.000001')).thenThrows('BUCKET.INSUFFICIENT_BALANCE');
    });

    it('credits a transfer in', () => {
      given.when(into('30')).then([leg('BalanceTransferredIn', '30', '100', '130')]);
    });

    it('refuses to refund a transfer that never debited it', () => {
      given.when(refund).thenThrows('TRANSFER.NOT_FOUND', 'transferId');
    });
  });

  describe('when transfer x-1 took 30 EUR out', () => {
    const history = [opened('100'), leg('BalanceTransferredOut', '30', '100', '70')];

    it('applies each leg once per transfer id', () => {
      spec.given(history).when(out('30')).thenNothingHappens();
      spec
        .given([opened('100'), leg('BalanceTransferredIn', '30', '100', '130')])
        .when(into('30'))
        .thenNothingHappens();
    });

    it('refunds exactly what it took, once', () => {
      spec
        .given(history)
        .when(refund)
        .then([leg('TransferRefunded', '30', '70', '100')]);
      spec
        .given([...history, leg('TransferRefunded', '30', '70', '100')])
        .when(refund)
        .thenNothingHappens();
    });

    it('refunds even a suspended bucket: refusing would destroy the amount', () => {
      spec
        .given([...history, statusChanged('suspended', 'active')])
        .when(refund)
        .then([leg('TransferRefunded', '30', '70', '100')]);
    });
  });

  describe('when the target is asked to decline transfer x-1 before the source is refunded', () => {
    it('declines one it has not credited, whatever its status, and once', () => {
      spec
        .given([opened('100'), statusChanged('suspended', 'active')])
        .when(decline)
        .then([declined]);
      spec
        .given([opened('100'), declined])
        .when(decline)
        .thenNothingHappens();
    });

    it('never credits a declined transfer afterwards', () => {
      spec
        .given([opened('100'), declined])
        .when(into('30'))
        .thenThrows('TRANSFER.DECLINED', 'transferId');
    });

    it('refuses to decline one it has credited: the process records the credit instead', () => {
      spec
        .given([opened('100'), leg('BalanceTransferredIn', '30', '100', '130')])
        .when(decline)
        .thenThrows('TRANSFER.ALREADY_CREDITED', 'transferId');
    });
  });

  it('refuses a transfer into a suspended bucket, so the process compensates', () => {
    spec
      .given([opened('100'), statusChanged('suspended', 'active')])
      .when(into('1'))
      .thenThrows('BUCKET.SUSPENDED');
  });
});
