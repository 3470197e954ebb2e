import { LosslessNumber, parse, stringify } from 'lossless-json';
import { isQuantity, toExactJson } from './published-json';

/** The reference: the value walked into LosslessNumbers, amount before units, for lossless-json. */
function withExactAmounts(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withExactAmounts);
  if (typeof value !== 'object' || value === null || value instanceof LosslessNumber) return value;
  const copy = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withExactAmounts(v)])) as Record<
    string,
    unknown
  >;
  if (!isQuantity(copy)) return copy;
  const { amount, units, ...rest } = copy as { amount: string; units: string };
  return { amount: new LosslessNumber(amount), units, ...rest };
}

describe('toExactJson', () => {
  it('writes Quantity amounts as raw numbers with every digit, amount before units', () => {
    const doc = {
      id: 'b-1',
      amount: { units: 'EUR', amount: '999999999999999.999999' },
      list: [{ units: 'MB', amount: '-0.000001' }],
    };
    expect(toExactJson(doc)).toBe(
      '{"id":"b-1","amount":{"amount":999999999999999.999999,"units":"EUR"},"list":[{"amount":-0.000001,"units":"MB"}]}',
    );
  });

  it('writes exactly what lossless-json writes for the same value walked into LosslessNumbers', () => {
    const doc = {
      id: 'x',
      n: 3,
      ok: true,
      none: null,
      skipped: undefined,
      text: 'quote " and \\ and \u001f',
      amount: { amount: '12.5', units: 'EUR' },
      nested: { creditLimit: { amount: '0', units: 'EUR', extra: [1, 'a'] } },
      lossless: new LosslessNumber('123456789012345678901234567890'),
      big: 12345678901234567890n,
    };
    expect(toExactJson(doc)).toBe(stringify(withExactAmounts(doc)));
    expect((parse(toExactJson(doc)) as { lossless: LosslessNumber }).lossless.toString()).toBe(
      '123456789012345678901234567890',
    );
  });

  it('leaves an amount that is not a JSON number, and any client text, as the strings they are', () => {
    const doc = {
      amount: { amount: 'twelve', units: 'EUR' },
      name: '\u001f0123456789abcdef:5',
      other: { amount: '1e', units: 'x' },
    };
    expect(JSON.parse(toExactJson(doc))).toEqual(doc);
  });

  it('writes what JSON.stringify writes when there is no amount', () => {
    const doc = { id: 'a', at: new Date('2025-01-01T00:00:00Z'), list: [1, { b: [null] }] };
    expect(toExactJson(doc)).toBe(JSON.stringify(doc));
    expect(toExactJson(undefined)).toBe('null');
  });
});
