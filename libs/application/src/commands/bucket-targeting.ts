import { v5 as uuidv5 } from 'uuid';
import { type BucketCandidate, resolveBucket } from '@ledger/domain';
import type { BucketTargetInput } from './command-inputs';

/** Namespace for bucket ids derived from product + type, so racing topups open one bucket, not two. */
const BUCKET_ID_NAMESPACE = '7d3f8a52-3f0e-4b9a-9a51-3c1e7c0f6b21';

export interface BucketTarget {
  bucketId: string;
  /** No bucket matched: a topup opens this one in the same append. */
  openIfMissing?: boolean;
}

/** The read side's answer to "which buckets does this product have". */
export type BucketCandidates = (productId: string) => Promise<BucketCandidate[]>;

/**
 * A named bucket is taken as named: the decision refuses an unknown or deleted one from its own
 * stream (BUCKET.NOT_FOUND), which is authoritative where the read model may lag. Only a lookup
 * by product needs the read model's candidates.
 */
export async function targetBucket(
  input: BucketTargetInput,
  purpose: 'topup' | 'adjustment',
  candidatesOf: BucketCandidates,
): Promise<BucketTarget> {
  const bucketId = input.bucket?.id;
  if (bucketId !== undefined) return { bucketId };
  const productId = input.product?.id;
  const candidates = productId === undefined ? [] : await candidatesOf(productId);
  const resolution = resolveBucket({ purpose, productId, type: input.type }, candidates);
  if (resolution.kind === 'existing') return { bucketId: resolution.bucketId };
  return { bucketId: uuidv5(`${productId}\u0000${input.type ?? ''}`, BUCKET_ID_NAMESPACE), openIfMissing: true };
}
