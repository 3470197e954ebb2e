import 'reflect-metadata';
import { validateSync } from 'class-validator';
import { IsAfterField, isRfc3339, IsRfc3339, rfc3339Instant } from './rfc3339.validator';

describe('RFC 3339 date-times', () => {
  it.each([
    '2025-01-31T23:59:59Z',
    '2025-01-31t23:59:59z',
    '2024-02-29T00:00:00+01:00',
    '2025-06-30T12:00:00.123456789-05:30',
    '2000-02-29T00:00:00Z',
  ])('accepts %s', (value) => {
    expect(isRfc3339(value)).toBe(true);
  });

  it.each([
    ['no offset', '2025-01-31T23:59:59'],
    ['a date only', '2025-01-31'],
    ['a space separator', '2025-01-31 23:59:59Z'],
    ['February 29 of a common year', '2025-02-29T00:00:00Z'],
    ['February 29 of 1900', '1900-02-29T00:00:00Z'],
    ['month 13', '2025-13-01T00:00:00Z'],
    ['hour 24', '2025-01-01T24:00:00Z'],
    ['a leap second', '2016-12-31T23:59:60Z'],
    ['a compact offset', '2025-01-01T00:00:00+0100'],
    ['an epoch number', 1735689600000],
  ])('rejects %s', (_case, value) => {
    expect(isRfc3339(value)).toBe(false);
  });

  it('reads offsets and fractions into one instant', () => {
    expect(rfc3339Instant('2025-01-01T01:00:00+01:00')).toBe(Date.UTC(2025, 0, 1));
    expect(rfc3339Instant('2025-01-01T00:00:00.5Z')).toBe(Date.UTC(2025, 0, 1) + 500);
    // Date.UTC would shift years below 100 to 19xx; the ISO parser does not, and neither may we.
    expect(rfc3339Instant('0099-01-01T00:00:00Z')).toBe(new Date('0099-01-01T00:00:00Z').getTime());
  });

  class Period {
    @IsRfc3339() start!: unknown;
    @IsAfterField('start') end!: unknown;
  }
  const period = (start: string, end: string): Period => Object.assign(new Period(), { start, end });

  it('requires an end strictly after the start, across offsets', () => {
    expect(validateSync(period('2025-01-01T00:00:00Z', '2025-01-01T00:30:00+01:00'))).toHaveLength(1);
    expect(validateSync(period('2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'))).toHaveLength(1);
    expect(validateSync(period('2025-01-01T00:00:00Z', '2025-01-01T01:30:00+01:00'))).toHaveLength(0);
  });
});
