import { decimalPlaces, exactAmountProblem, ExactAmountOptions, InexactNumber } from './exact-amount.validator';

describe('exact amounts', () => {
  it.each([
    [50, 0],
    [0.1, 1],
    [123456789.123456, 6],
    [1e-6, 6],
    [1.5e-7, 8],
    [1e21, 0],
  ])('counts the decimal places of %p as %i', (value, places) => {
    expect(decimalPlaces(value)).toBe(places);
  });

  const positive: ExactAmountOptions = {};
  const signed: ExactAmountOptions = { signed: true };
  const nonNegative: ExactAmountOptions = { allowZero: true };

  it.each<[unknown, ExactAmountOptions]>([
    [50, positive],
    [0.000001, positive],
    [999999999999999, positive],
    [-12.5, signed],
    [0, nonNegative],
  ])('accepts %p', (value, options) => {
    expect(exactAmountProblem(value, options)).toBeUndefined();
  });

  it.each<[unknown, ExactAmountOptions, string]>([
    [
      new InexactNumber('0.1000000000000000000001'),
      signed,
      'is not exactly representable as a number (0.1000000000000000000001)',
    ],
    ['50', positive, 'must be a JSON number'],
    [Number.NaN, positive, 'must be a finite number'],
    [Number.POSITIVE_INFINITY, signed, 'must be a finite number'],
    [1e15, positive, 'must be less than 1e15 in absolute value'],
    [-1e15, signed, 'must be less than 1e15 in absolute value'],
    [0.0000001, positive, 'must have at most 6 decimal places'],
    [0.30000000000000004, positive, 'must have at most 6 decimal places'],
    [0, positive, 'must not be zero'],
    [0, signed, 'must not be zero'],
    [-1, positive, 'must be greater than 0'],
    [-1, nonNegative, 'must not be negative'],
  ])('rejects %p', (value, options, problem) => {
    expect(exactAmountProblem(value, options)).toContain(problem);
  });
});
