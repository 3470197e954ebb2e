import { isDomainError } from '../domain-error';
import { fromQuantityData, parseQuantity, toQuantityData } from './quantity';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isDomainError(error) ? `${error.code} ${error.field}` : String(error);
  }
  return undefined;
}

describe('Quantity', () => {
  it('parses a request quantity exactly', () => {
    expect(parseQuantity({ amount: 50, units: 'EUR' })).toEqual({ amount: 50_000_000n, units: 'EUR' });
    expect(parseQuantity({ amount: '0.25', units: 'GB' })).toEqual({ amount: 250_000n, units: 'GB' });
  });

  it('requires non-empty units, naming the field', () => {
    expect(codeOf(() => parseQuantity({ amount: 1 }))).toBe('QUANTITY.UNITS_REQUIRED amount.units');
    expect(codeOf(() => parseQuantity({ amount: 1, units: ' ' }))).toBe('QUANTITY.UNITS_REQUIRED amount.units');
    const numericUnits = () => parseQuantity({ amount: 1, units: 3 }, 'creditLimit');
    expect(codeOf(numericUnits)).toBe('QUANTITY.UNITS_REQUIRED creditLimit.units');
  });

  it('names the amount field of a malformed amount', () => {
    expect(codeOf(() => parseQuantity({ amount: 'ten', units: 'EUR' }))).toBe('AMOUNT.NOT_A_NUMBER amount.amount');
    expect(codeOf(() => parseQuantity(null))).toBe('QUANTITY.UNITS_REQUIRED amount.units');
  });

  it('stores amounts as canonical decimal strings and reads them back', () => {
    const data = toQuantityData({ amount: -1_500_000n, units: 'EUR' });
    expect(data).toEqual({ amount: '-1.5', units: 'EUR' });
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
    expect(fromQuantityData(data)).toEqual({ amount: -1_500_000n, units: 'EUR' });
  });
});
