import { bucketEvent } from './bucket.events';
import {
  BUCKET_ID,
  NOW,
  cancel,
  changeStatus,
  confirm,
  eurData,
  opened,
  requested,
  spec,
  statusChanged,
  toppedUp,
} from '../testing/bucket.fixtures';

const LATER = '2025-03-02T09:30:00Z';
const cancelledEvent = (previousStatus: 'in progress' | 'confirmed', reversal?: [string, string, string]) =>
  bucketEvent('TopupCancelled', {
    topupId: 't-1',
    bucketId: BUCKET_ID,
    status: 'cancelled',
    previousStatus,
    cancellationDate: LATER,
    reversal: reversal && {
      amount: eurData(reversal[0]),
      amountBefore: eurData(reversal[1]),
      amountAfter: eurData(reversal[2]),
    },
  });

describe('topup lifecycle', () => {
  describe('when the bucket holds 500 EUR and topup t-1 of 50 EUR is in progress', () => {
    const given = spec.given([opened('500'), requested('t-1', '50')]);

    it('credits the topup on confirmation, dated at confirmation', () => {
      given.when(confirm('t-1', LATER)).then([toppedUp('t-1', '50', '500', '550', LATER)]);
    });

    it('cancels it without moving money', () => {
      given.when(cancel('t-1', LATER)).then([cancelledEvent('in progress')]);
    });

    it('rejects confirming a topup the bucket does not know', () => {
      given.when(confirm('t-2')).thenThrows('TOPUP.NOT_FOUND');
      given.when(cancel('t-2')).thenThrows('TOPUP.NOT_FOUND');
    });
  });

  describe('when topup t-1 is in progress and the bucket was suspended meanwhile', () => {
    const given = spec.given([opened('500'), requested('t-1', '50'), statusChanged('suspended', 'active')]);

    it('refuses to confirm it', () => {
      given.when(confirm('t-1', LATER)).thenThrows('BUCKET.SUSPENDED');
    });

    it('still lets it be cancelled, since no money moves', () => {
      given.when(cancel('t-1', LATER)).then([cancelledEvent('in progress')]);
    });
  });

  describe('when topup t-1 of 50 EUR was confirmed on a bucket now holding 550 EUR', () => {
    const given = spec.given([opened('500'), requested('t-1', '50'), toppedUp('t-1', '50', '500', '550')]);

    it('reverses the credit when the topup is cancelled', () => {
      given.when(cancel('t-1', LATER)).then([cancelledEvent('confirmed', ['50', '550', '500'])]);
    });

    it('stays quiet when confirmed again', () => {
      given.when(confirm('t-1', LATER)).thenNothingHappens();
    });
  });

  describe('when confirmed topup t-1 of 50 EUR was already spent down to 20 EUR', () => {
    const spent = bucketEvent('BalanceAdjusted', {
      adjustmentId: 'a-1',
      bucketId: BUCKET_ID,
      amount: eurData('-530'),
      requestedDate: NOW,
      amountBefore: eurData('550'),
      amountAfter: eurData('20'),
    });
    const given = spec.given([opened('500'), requested('t-1', '50'), toppedUp('t-1', '50', '500', '550'), spent]);

    it('refuses the reversal that would take the balance below zero', () => {
      given.when(cancel('t-1', LATER)).thenThrows('BUCKET.INSUFFICIENT_BALANCE');
    });
  });

  describe('when confirmed topup t-1 is on a bucket that has since expired', () => {
    it('refuses the reversal', () => {
      const expired = statusChanged('expired', 'active');
      const given = spec.given([opened('500'), requested('t-1', '50'), toppedUp('t-1', '50', '500', '550'), expired]);
      given.when(cancel('t-1', LATER)).thenThrows('BUCKET.EXPIRED');
    });
  });

  describe('when topup t-1 was confirmed and then cancelled', () => {
    const given = spec.given([
      opened('500'),
      requested('t-1', '50'),
      toppedUp('t-1', '50', '500', '550'),
      cancelledEvent('confirmed', ['50', '550', '500']),
    ]);

    it('stays quiet when cancelled again, reversing the credit only once', () => {
      given.when(cancel('t-1')).thenNothingHappens();
    });

    it('rejects confirming it again: cancelled is terminal', () => {
      given.when(confirm('t-1')).thenThrows('TOPUP.INVALID_TRANSITION', 'status');
    });
  });

  describe('when the bucket was deleted', () => {
    it('rejects lifecycle commands as BUCKET.NOT_FOUND', () => {
      const deleted = bucketEvent('BucketDeleted', { bucketId: BUCKET_ID, deletedAt: NOW });
      spec
        .given([opened('500'), requested('t-1', '50'), deleted])
        .when(confirm('t-1'))
        .thenThrows('BUCKET.NOT_FOUND');
    });
  });

  it('suspending then reactivating a bucket lets an in-progress topup be confirmed', () => {
    const pause = [statusChanged('suspended', 'active'), statusChanged('active', 'suspended')];
    const history = [opened('500'), requested('t-1', '50'), ...pause];
    spec
      .given(history)
      .when(confirm('t-1', LATER))
      .then([toppedUp('t-1', '50', '500', '550', LATER)]);
    spec.given(history).when(changeStatus('active')).thenNothingHappens();
  });
});
