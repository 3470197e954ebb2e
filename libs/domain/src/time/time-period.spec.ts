import { isDomainError } from '../domain-error';
import { parseInstant, parsePeriod } from './time-period';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isDomainError(error) ? `${error.code} ${error.field}` : String(error);
  }
  return undefined;
}

describe('parseInstant', () => {
  it.each([
    ['2025-03-01T10:00:00Z', Date.UTC(2025, 2, 1, 10)],
    ['2025-03-01T12:00:00+02:00', Date.UTC(2025, 2, 1, 10)],
    ['2025-03-01T10:00:00.123456Z', Date.UTC(2025, 2, 1, 10, 0, 0, 123)],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
  ])('reads the RFC 3339 instant %s', (text, ms) => {
    expect(parseInstant(text, 'now')).toBe(ms);
  });

  const invalid = [
    '2025-02-29T00:00:00Z',
    '2025-02-30T00:00:00Z',
    '2025-03-01',
    '2025-03-01T10:00:00',
    '2025-03-01T24:00:00Z',
    'soon',
    42,
  ];

  it.each(invalid)('refuses %p rather than rolling it over', (text) => {
    expect(codeOf(() => parseInstant(text, 'validFor.endDateTime'))).toBe('DATE.INVALID validFor.endDateTime');
  });
});

describe('parsePeriod', () => {
  it('treats absent bounds as open', () => {
    expect(parsePeriod(undefined)).toEqual({});
    expect(parsePeriod({ startDateTime: '2025-01-01T00:00:00Z' })).toEqual({ startsAt: Date.UTC(2025, 0, 1) });
  });

  it('refuses an end at or before the start', () => {
    const period = { startDateTime: '2025-01-02T00:00:00Z', endDateTime: '2025-01-01T00:00:00Z' };
    expect(codeOf(() => parsePeriod(period))).toBe('PERIOD.INVALID validFor.endDateTime');
    expect(codeOf(() => parsePeriod({ startDateTime: period.startDateTime, endDateTime: period.startDateTime }))).toBe(
      'PERIOD.INVALID validFor.endDateTime',
    );
  });
});
