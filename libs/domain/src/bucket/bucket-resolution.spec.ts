import { isDomainError } from '../domain-error';
import { type BucketCandidate, type BucketReference, resolveBucket } from './bucket-resolution';

const candidates: BucketCandidate[] = [
  { id: 'b-2', productIds: ['p-1'], type: 'data' },
  { id: 'b-1', productIds: ['p-1', 'p-2'], type: 'monetary' },
  { id: 'b-3', productIds: ['p-3'], type: 'monetary', deleted: true },
  { id: 'b-4', productIds: ['p-4'], type: 'monetary' },
  { id: 'b-5', productIds: ['p-4'], type: 'monetary' },
];

const resolve = (reference: BucketReference) => resolveBucket(reference, candidates);

function failure(run: () => unknown): { code?: string; field?: string; details?: unknown } {
  try {
    run();
  } catch (error) {
    if (isDomainError(error)) return { code: error.code, field: error.field, details: error.details };
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('resolveBucket', () => {
  describe('when the request names its bucket', () => {
    it('picks it, even if product and type point elsewhere', () => {
      const reference = { purpose: 'topup', bucketId: 'b-2', productId: 'p-4', type: 'monetary' } as const;
      expect(resolve(reference)).toEqual({ kind: 'existing', bucketId: 'b-2' });
    });

    it.each(['b-9', 'b-3'])('rejects the unknown or deleted bucket %s as BUCKET.NOT_FOUND', (bucketId) => {
      const error = failure(() => resolve({ purpose: 'topup', bucketId }));
      expect(error).toMatchObject({ code: 'BUCKET.NOT_FOUND', field: 'bucket.id' });
    });
  });

  describe('when the request gives product and type', () => {
    it('picks the one non-deleted bucket of that product and type', () => {
      const reference = { purpose: 'adjustment', productId: 'p-1', type: 'monetary' } as const;
      expect(resolve(reference)).toEqual({ kind: 'existing', bucketId: 'b-1' });
    });

    it('asks a topup to open a new bucket when none matches', () => {
      expect(resolve({ purpose: 'topup', productId: 'p-3', type: 'monetary' })).toEqual({ kind: 'open-new' });
    });

    it('rejects an adjustment when none matches', () => {
      expect(failure(() => resolve({ purpose: 'adjustment', productId: 'p-3', type: 'monetary' }))).toMatchObject({
        code: 'BUCKET.NOT_FOUND',
        field: 'product.id',
      });
    });

    it('rejects several matches as ambiguous, listing the candidates in order', () => {
      const reference = { purpose: 'topup', productId: 'p-4', type: 'monetary' } as const;
      expect(failure(() => resolveBucket(reference, [...candidates].reverse()))).toEqual({
        code: 'BUCKET.AMBIGUOUS',
        field: 'bucket',
        details: { candidates: ['b-4', 'b-5'] },
      });
    });
  });

  describe('when the request gives a product but no type', () => {
    it('matches on the product alone', () => {
      expect(resolve({ purpose: 'topup', productId: 'p-2' })).toEqual({ kind: 'existing', bucketId: 'b-1' });
      const error = failure(() => resolve({ purpose: 'topup', productId: 'p-1' }));
      expect(error).toMatchObject({ code: 'BUCKET.AMBIGUOUS' });
    });
  });

  describe('when the request gives neither bucket nor product', () => {
    it('rejects it as BUCKET.REFERENCE_REQUIRED', () => {
      const reference = { purpose: 'topup', type: 'monetary' } as const;
      expect(failure(() => resolve(reference))).toMatchObject({ code: 'BUCKET.REFERENCE_REQUIRED', field: 'bucket' });
    });
  });
});
