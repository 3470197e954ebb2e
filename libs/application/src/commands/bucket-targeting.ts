import { v5 as uuidv5 } from 'uuid';
import { type BucketCandidate, resolveBucket } from '@ledger/domain';
import type { BucketTargetInput } from './command-inputs';

/** Namespace for bucket ids derived from product + type, so racing topups open one bucket, not two. */
const BUCKET_ID_NAMESPACE = '7d3f8a52-3f0e-4b9a-9a51-3c1e7c0f6b21';
/** Namespace for the ids of buckets created with an Idempotency-Key. */
const KEYED_BUCKET_NAMESPACE = 'c4b0e3a1-6f2d-4d8e-b5a7-1e9f0c2d3b48';

/**
 * A keyed create names its bucket after its command id: every retry of it, racing or late, in this
 * process or another, reaches the same stream, where the store's command record answers it with
 * the first outcome. A random id per attempt would open a second bucket instead.
 */
export function keyedBucketId(commandId: string): string {
  return uuidv5(commandId, KEYED_BUCKET_NAMESPACE);
}

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
