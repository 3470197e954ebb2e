import { domainError } from '../domain-error';
import type { BucketStatus, ChangeBucketStatus, DeleteBucket } from './bucket.commands';
import { type BucketDeleted, type BucketStatusChanged, bucketEvent } from './bucket.events';
import { type DecisionTime, effectiveStatus, requireLive } from './bucket.guards';
import type { BucketState } from './bucket.state';

const STATUSES: readonly string[] = ['active', 'suspended', 'expired'] satisfies BucketStatus[];

/**
 * Status changes: active ⇄ suspended freely; expired is terminal. A bucket past its
 * validFor.endDateTime is already expired in effect, so the only change it accepts is recording
 * that (what an expiry job does); reactivating or suspending it is BUCKET.EXPIRED. Asking for the
 * status a bucket already has is a quiet no-op.
 */
export function changeBucketStatus(
  state: BucketState,
  command: ChangeBucketStatus,
  time: DecisionTime,
): BucketStatusChanged[] {
  const { bucketId, status, reason } = command.data;
  if (!STATUSES.includes(status)) {
    throw domainError(
      'BUCKET.INVALID_STATUS',
      `bucket status must be one of ${STATUSES.join(', ')}, not "${status}"`,
      'status',
    );
  }
  const bucket = requireLive(state, bucketId);
  if (bucket.status === status) return [];
  if (effectiveStatus(bucket, time.nowMs) === 'expired' && status !== 'expired') {
    throw domainError('BUCKET.EXPIRED', `bucket ${bucketId} is expired and cannot become ${status}`, 'status');
  }
  const previousStatus = bucket.status;
  return [bucketEvent('BucketStatusChanged', { bucketId, status, previousStatus, reason, changedAt: time.now })];
}

/** Deleting twice is a quiet no-op; the id stays taken (see openBucket). */
export function deleteBucket(state: BucketState, command: DeleteBucket, time: DecisionTime): BucketDeleted[] {
  if (state.status === 'deleted') return [];
  const bucket = requireLive(state, command.data.bucketId);
  return [bucketEvent('BucketDeleted', { bucketId: bucket.bucketId, deletedAt: time.now })];
}
