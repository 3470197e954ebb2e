import { isDomainError } from '../domain-error';
import { MAX_ABS_MICRO, checkedAmount, formatAmount, parseAmount } from './decimal';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isDomainError(error) ? error.code : `not a DomainError: ${String(error)}`;
  }
  return undefined;
}

describe('parseAmount', () => {
  describe('when given a decimal string', () => {
    it.each([
      ['12.5', 12_500_000n],
      ['-0.000001', -1n],
      ['100', 100_000_000n],
      ['+7', 7_000_000n],
      ['007.10', 7_100_000n],
      ['-0', 0n],
      ['1.000000000', 1_000_000n],
      ['1E+3', 1_000_000_000n],
      ['1.5e2', 150_000_000n],
      ['25e-6', 25n],
      ['0e99999999', 0n],
      ['999999999999999.999999', 999_999_999_999_999_999_999n],
    ])('reads %s exactly as %p micro-units', (text, micro) => {
      expect(parseAmount(text)).toBe(micro);
    });
  });

  describe('when given a JS number', () => {
    it.each([
      [0.1, 100_000n],
      [12.5, 12_500_000n],
      [-0, 0n],
      [1e-6, 1n],
      [50, 50_000_000n],
    ])('reads %p through its shortest text', (value, micro) => {
      expect(parseAmount(value)).toBe(micro);
    });

    it('refuses a float artefact rather than rounding it (0.1 + 0.2)', () => {
      expect(codeOf(() => parseAmount(0.1 + 0.2))).toBe('AMOUNT.TOO_PRECISE');
    });

    it('handles exponent notation such as 1e-7 and 1e21', () => {
      expect(codeOf(() => parseAmount(1e-7))).toBe('AMOUNT.TOO_PRECISE');
      expect(codeOf(() => parseAmount(1e21))).toBe('AMOUNT.OUT_OF_RANGE');
    });

    it.each([NaN, Infinity, -Infinity])('refuses %p as not a number', (value) => {
      expect(codeOf(() => parseAmount(value))).toBe('AMOUNT.NOT_A_NUMBER');
    });
  });

  it.each(['', ' 1', '1 ', '1.', '.5', '1,5', '0x10', 'abc', '1e', '--1', 'NaN', 'Infinity'])(
    'rejects the malformed text %p as AMOUNT.NOT_A_NUMBER',
    (text) => expect(codeOf(() => parseAmount(text))).toBe('AMOUNT.NOT_A_NUMBER'),
  );

  it.each([null, undefined, true, {}, [], 5n])('rejects the non-amount %p as AMOUNT.NOT_A_NUMBER', (value) => {
    expect(codeOf(() => parseAmount(value))).toBe('AMOUNT.NOT_A_NUMBER');
  });

  it('rejects a seventh decimal place', () => {
    expect(codeOf(() => parseAmount('0.0000001'))).toBe('AMOUNT.TOO_PRECISE');
    expect(codeOf(() => parseAmount('1.1234567'))).toBe('AMOUNT.TOO_PRECISE');
  });

  it('rejects 10^15 units and beyond, in either sign', () => {
    expect(codeOf(() => parseAmount('1000000000000000'))).toBe('AMOUNT.OUT_OF_RANGE');
    expect(codeOf(() => parseAmount('-1000000000000000'))).toBe('AMOUNT.OUT_OF_RANGE');
    expect(codeOf(() => parseAmount('1e999999999'))).toBe('AMOUNT.OUT_OF_RANGE');
  });

  it('names the field it was reading', () => {
    expect(() => parseAmount('x', 'amount.amount')).toThrow(expect.objectContaining({ field: 'amount.amount' }));
  });
});

describe('formatAmount', () => {
  it.each([
    [12_500_000n, '12.5'],
    [-1n, '-0.000001'],
    [100_000_000n, '100'],
    [0n, '0'],
    [-12_340_000n, '-12.34'],
    [MAX_ABS_MICRO - 1n, '999999999999999.999999'],
  ])('writes %p micro-units canonically as %s', (micro, text) => {
    expect(formatAmount(micro)).toBe(text);
  });

  it('round-trips every canonical text', () => {
    for (const text of ['0', '1', '-1', '0.5', '123.456789', '-999999999999999.999999']) {
      expect(formatAmount(parseAmount(text))).toBe(text);
    }
  });
});

describe('checkedAmount', () => {
  it('keeps computed balances inside the range', () => {
    expect(checkedAmount(MAX_ABS_MICRO - 1n)).toBe(MAX_ABS_MICRO - 1n);
    expect(codeOf(() => checkedAmount(MAX_ABS_MICRO))).toBe('AMOUNT.OUT_OF_RANGE');
    expect(codeOf(() => checkedAmount(-MAX_ABS_MICRO))).toBe('AMOUNT.OUT_OF_RANGE');
  });
});
