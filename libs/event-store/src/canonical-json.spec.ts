import canonicalize from 'canonicalize';
import { canonicalJson } from './canonical-json';

/** Values a hash chain or a fingerprint meets, and the corners RFC 8785 pins down. */
const CASES: unknown[] = [
  { b: 1, a: 2, c: { z: [3, { y: 1, x: 2 }], a: null } },
  { é: 1, e: 2, E: 3, '\u{1F600}': 4, '\uff5e': 5, '\u0080': 6, '': 7, '10': 8, '9': 9 },
  {
    text: 'quote " backslash \\ newline \n tab \t nul \u0000 unit \u001f del \u007f line sep \u2028 lone \ud800 pair \u{1F600}',
  },
  {
    numbers: [
      0,
      -0,
      1,
      -1,
      0.1,
      1e21,
      1e-7,
      1.5e-7,
      123456789012345680000,
      2 ** 53,
      -(2 ** 53),
      5e-324,
      1.7976931348623157e308,
    ],
  },
  { skipped: undefined, kept: null, list: [undefined, null, true, false], empty: {}, none: [] },
  { at: new Date('2025-03-01T10:00:00Z'), nested: { toJSON: () => ({ b: 1, a: 2 }) } },
  'a string',
  42,
  true,
  null,
  [],
  {
    id: '3f2a7c1e-0000-4000-8000-000000000001',
    type: 'BalanceToppedUp',
    stream: 'bucket-b',
    revision: '12',
    data: { amount: { amount: '5', units: 'EUR' }, amountAfter: { units: 'EUR', amount: '1005' }, schemaVersion: 1 },
    metadata: {
      recordedAt: '2025-06-01T10:00:00.123Z',
      prevHash: '0'.repeat(64),
      commandId: 'topup:k-1',
      schemaVersion: 1,
    },
  },
];

describe('canonicalJson', () => {
  it.each(CASES.map((value, i) => [i, value]))(
    'writes case %i exactly as the RFC 8785 reference implementation does',
    (_i, value) => {
      expect(canonicalJson(value)).toBe(canonicalize(value));
    },
  );

  it('refuses what JSON cannot hold as itself instead of hashing something else', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    for (const bad of [cyclic, { n: 1n }, { n: NaN }, { n: Infinity }, { f: () => 1 }])
      expect(() => canonicalJson(bad)).toThrow(TypeError);
  });
});
