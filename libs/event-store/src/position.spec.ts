import { comparePositions, START } from './position';

describe('comparePositions', () => {
  it('orders by commit first, then by prepare', () => {
    expect(comparePositions({ commit: 5n, prepare: 1n }, { commit: 4n, prepare: 9n })).toBe(1);
    expect(comparePositions({ commit: 4n, prepare: 9n }, { commit: 5n, prepare: 1n })).toBe(-1);
    expect(comparePositions({ commit: 5n, prepare: 2n }, { commit: 5n, prepare: 3n })).toBe(-1);
    expect(comparePositions({ commit: 5n, prepare: 3n }, { commit: 5n, prepare: 3n })).toBe(0);
  });

  it('puts START before every event position', () => {
    expect(comparePositions(START, { commit: 1n, prepare: 0n })).toBe(-1);
    expect(comparePositions(START, { commit: 0n, prepare: 1n })).toBe(-1);
    expect(comparePositions(START, START)).toBe(0);
  });
});
