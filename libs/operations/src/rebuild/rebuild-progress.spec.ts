import { ProgressPrinter, shareOf } from './rebuild-progress';

describe('rebuild progress lines', () => {
  it('prints at most once a second, with the rate since the last line and the share of the goal', () => {
    const lines: string[] = [];
    let now = 0;
    const printer = new ProgressPrinter(
      'rebuild',
      'head',
      (l) => lines.push(l),
      1000,
      () => now,
    );
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
