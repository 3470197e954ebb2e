import { diffJson, formatDifference, sameJson } from './row-differences';
import { ProgressPrinter, shareOf } from './rebuild-progress';

describe('comparing a stored document with the expected one', () => {
  it('treats a member holding undefined as absent, as jsonb does', () => {
    expect(sameJson({ a: 1, b: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  });

  it('names each differing leaf by its path through objects and lists', () => {
    const out: Parameters<typeof diffJson>[3] = [];
    diffJson({ amount: { amount: '5' }, product: [{ id: 'p1' }] }, { amount: { amount: '6' }, product: [{ id: 'p1' }, { id: 'p2' }] }, 'doc', out);
    expect(out).toEqual([
      { path: 'doc.amount.amount', expected: '5', actual: '6' },
      { path: 'doc.product[1]', expected: undefined, actual: { id: 'p2' } },
    ]);
  });

  it('prints one line per difference with JSON values', () => {
    expect(formatDifference({ kind: 'bucket', id: 'b-1', path: 'doc.status', expected: 'active', actual: undefined }))
      .toBe('bucket b-1 doc.status: expected "active", actual (absent)');
  });
});

describe('rebuild progress lines', () => {
  it('prints at most once a second, with the rate since the last line and the share of the goal', () => {
    const lines: string[] = [];
    let now = 0;
    const printer = new ProgressPrinter('rebuild', 'head', (l) => lines.push(l), 1000, () => now);
    const goal = { commit: 9n, prepare: 200_000n };
    now = 500;
    printer.report({ events: 20_000, position: { commit: 9n, prepare: 20_000n }, goal });
    now = 1000;
    printer.report({ events: 50_000, position: { commit: 9n, prepare: 50_000n }, goal });
    expect(lines).toEqual(['rebuild: 50,000 events, 50,000 events/s, position 9/50000, 25.0% of head']);
  });

  it('counts an empty store as fully caught up', () => {
    expect(shareOf('start', undefined)).toBe('100.0%');
  });
});
