import { diffJson, formatDifference, sameJson } from './row-differences';

describe('comparing a stored document with the expected one', () => {
  it('treats a member holding undefined as absent, as jsonb does', () => {
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  });

  it('names each differing leaf by its path through objects and lists', () => {
    const out: Parameters<typeof diffJson>[3] = [];
    diffJson(
      { amount: { amount: '5' }, product: [{ id: 'p1' }] },
      { amount: { amount: '6' }, product: [{ id: 'p1' }, { id: 'p2' }] },
      'doc',
      out,
    );
    expect(out).toEqual([
      { path: 'doc.amount.amount', expected: '5', actual: '6' },
      { path: 'doc.product[1]', expected: undefined, actual: { id: 'p2' } },
    ]);
  });

  it('prints one line per difference with JSON values', () => {
    expect(
      formatDifference({ kind: 'bucket', id: 'b-1', path: 'doc.status', expected: 'active', actual: undefined }),
    ).toBe('bucket b-1 doc.status: expected "active", actual (absent)');
  });
});
