import { domainError } from '../domain-error';

/**
 * Bucket resolution: which bucket a topup or adjustment acts on.
 *
 * A request names its bucket directly (`bucket.id`) or indirectly by product id and bucket type
 * (R17: "the requestor knows beforehand the bucket ... instead of just referring to the ...
 * product and the type of bucket"). The rule, applied to the non-deleted buckets in
 * `candidates`:
 *
 * 1. `bucket.id` given → that bucket; if no such bucket exists → BUCKET.NOT_FOUND. Product and
 *    type, if also given, are not used to second-guess an explicit id.
 * 2. Otherwise `product.id` is required (BUCKET.REFERENCE_REQUIRED without it). Candidates are
 *    the buckets whose `product[]` contains that id and, when the request has a type, whose type
 *    equals it exactly.
 *    - exactly one candidate → it;
 *    - none → a topup opens a new bucket (validFor = the topup's validFor, or from now on);
 *      an adjustment fails with BUCKET.NOT_FOUND, since there is nothing to adjust;
 *    - several → BUCKET.AMBIGUOUS, listing the candidate ids (sorted) in `details.candidates`;
 *      the ledger never picks one by age or balance, because a wrong guess moves real money.
 *
 * Expired or suspended candidates still count: resolution picks the bucket, and the decision
 * then refuses it with the precise reason (BUCKET.EXPIRED, BUCKET.SUSPENDED).
 */
export interface BucketCandidate {
  readonly id: string;
  readonly productIds: readonly string[];
  readonly type?: string;
  readonly deleted?: boolean;
}

export interface BucketReference {
  readonly purpose: 'topup' | 'adjustment';
  readonly bucketId?: string;
  readonly productId?: string;
  readonly type?: string;
}

export type BucketResolution = { readonly kind: 'existing'; readonly bucketId: string } | { readonly kind: 'open-new' };

export function resolveBucket(reference: BucketReference, candidates: readonly BucketCandidate[]): BucketResolution {
  const live = candidates.filter((candidate) => candidate.deleted !== true);
  if (reference.bucketId !== undefined) return named(reference.bucketId, live);
  if (reference.productId === undefined) {
    throw domainError(
      'BUCKET.REFERENCE_REQUIRED',
      'a bucket.id or a product.id is required to find the bucket',
      'bucket',
    );
  }
  const matches = live.filter((candidate) => matchesProduct(candidate, reference.productId as string, reference.type));
  if (matches.length === 1) return { kind: 'existing', bucketId: matches[0].id };
  if (matches.length === 0) return noMatch(reference);
  const ids = matches.map((candidate) => candidate.id).sort();
  const message = `several buckets match product ${reference.productId}: ${ids.join(', ')}`;
  throw domainError('BUCKET.AMBIGUOUS', message, 'bucket', { candidates: ids });
}

function named(bucketId: string, live: readonly BucketCandidate[]): BucketResolution {
  if (!live.some((candidate) => candidate.id === bucketId)) {
    throw domainError('BUCKET.NOT_FOUND', `bucket ${bucketId} does not exist`, 'bucket.id');
  }
  return { kind: 'existing', bucketId };
}

function matchesProduct(candidate: BucketCandidate, productId: string, type: string | undefined): boolean {
  return candidate.productIds.includes(productId) && (type === undefined || candidate.type === type);
}

function noMatch(reference: BucketReference): BucketResolution {
  if (reference.purpose === 'topup') return { kind: 'open-new' };
  const typeText = reference.type === undefined ? '' : ` and type ${reference.type}`;
  throw domainError('BUCKET.NOT_FOUND', `no bucket for product ${reference.productId}${typeText}`, 'product.id');
}
