import type { BucketStatus } from './bucket.commands';
import { bucketEvent } from './bucket.events';
import { BUCKET_ID, NOW, changeStatus, meta, opened, spec, statusChanged } from '../testing/bucket.fixtures';

const deleteCommand = { type: 'DeleteBucket' as const, data: { bucketId: BUCKET_ID }, metadata: meta() };
const deleted = bucketEvent('BucketDeleted', { bucketId: BUCKET_ID, deletedAt: NOW });

describe('ChangeBucketStatus', () => {
  describe('when the bucket is active', () => {
    const given = spec.given([opened('500')]);

    it('suspends it, keeping the reason', () => {
      const command = changeStatus('suspended');
      const withReason = { ...command, data: { ...command.data, reason: 'fraud check' } };
      given.when(withReason).then([
        bucketEvent('BucketStatusChanged', {
          bucketId: BUCKET_ID,
          status: 'suspended',
          previousStatus: 'active',
          reason: 'fraud check',
          changedAt: NOW,
        }),
      ]);
    });

    it('stays quiet when asked to become active', () => {
      given.when(changeStatus('active')).thenNothingHappens();
    });

    it('rejects an unknown status', () => {
      given.when(changeStatus('frozen' as BucketStatus)).thenThrows('BUCKET.INVALID_STATUS', 'status');
    });
  });

  describe('when the bucket is suspended', () => {
    it('reactivates it', () => {
      const given = spec.given([opened('500'), statusChanged('suspended', 'active')]);
      given.when(changeStatus('active')).then([statusChanged('active', 'suspended')]);
    });
  });

  describe('when no bucket exists', () => {
    it('rejects the change', () => {
      spec.given([]).when(changeStatus('suspended')).thenThrows('BUCKET.NOT_FOUND');
    });
  });
});

describe('DeleteBucket', () => {
  describe('when the bucket holds 500 EUR', () => {
    it('deletes it', () => {
      spec
        .given([opened('500')])
        .when(deleteCommand)
        .then([deleted]);
    });
  });

  describe('when the bucket was deleted', () => {
    const given = spec.given([opened('500'), deleted]);

    it('stays quiet on a repeated delete', () => {
      given.when(deleteCommand).thenNothingHappens();
    });

    it('treats the bucket as gone for every other command', () => {
      given.when(changeStatus('suspended')).thenThrows('BUCKET.NOT_FOUND');
    });
  });

  describe('when no bucket exists', () => {
    it('rejects the delete', () => {
      spec.given([]).when(deleteCommand).thenThrows('BUCKET.NOT_FOUND');
    });
  });
});
