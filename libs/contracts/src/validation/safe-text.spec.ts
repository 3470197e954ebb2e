import { findUnsafeText, isSafeText } from './safe-text';

describe('safe text', () => {
  it.each([
    ['plain ASCII', 'bucket-1'],
    ['accents and CJK', 'Zoë 東京'],
    ['a surrogate pair (emoji)', 'top up \ud83d\udcb6'],
    ['the empty string', ''],
  ])('accepts %s', (_name, text) => {
    expect(isSafeText(text)).toBe(true);
  });

  it.each([
    ['a NUL', 'a\u0000b'],
    ['a lone high surrogate', 'a\ud83d'],
    ['a lone low surrogate', '\udcb6b'],
    ['a pair in the wrong order', '\udcb6\ud83d'],
  ])('refuses %s', (_name, text) => {
    expect(isSafeText(text)).toBe(false);
  });

  it('names the first unsafe string of a body by its field path', () => {
    const body = { type: 'x', relatedParty: [{ id: 'ok' }, { id: 'p', name: 'A\u0000' }] };
    expect(findUnsafeText(body)).toEqual({ path: 'relatedParty[1].name', problem: 'a NUL character' });
  });

  it('checks property names too', () => {
    expect(findUnsafeText({ amount: { ['u\ud800']: 1 } })).toEqual({
      path: 'a property name in amount',
      problem: 'a lone UTF-16 surrogate',
    });
  });

  it('finds nothing in a clean body', () => {
    expect(findUnsafeText({ a: [1, true, null, { b: 'c' }] })).toBeUndefined();
  });
});
