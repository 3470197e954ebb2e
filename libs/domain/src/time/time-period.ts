import { domainError } from '../domain-error';

/**
 * Time is data here: the current instant arrives as `metadata.now` (RFC 3339) on every command, so
 * a decision is a pure function of its inputs and a test can pin the exact events it produces.
 * Parsing is strict (a calendar-valid RFC 3339 date-time with an explicit offset) because a
 * lenient parser would turn "2024-02-30" into 1 March and quietly move an expiry.
 */
export interface TimePeriod {
  readonly startDateTime?: string;
  readonly endDateTime?: string;
}

/** A validity window in epoch milliseconds; absent bounds are open. End is exclusive. */
export interface ValidityWindow {
  readonly startsAt?: number;
  readonly endsAt?: number;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;

export function parseInstant(text: unknown, field: string): number {
  const match = typeof text === 'string' ? RFC3339.exec(text) : null;
  if (match === null || !fieldsInRange(match)) {
    throw domainError('DATE.INVALID', `${field} must be an RFC 3339 date-time, got ${JSON.stringify(text)}`, field);
  }
  return Date.parse(text as string);
}

function fieldsInRange(match: RegExpExecArray): boolean {
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const offsetHour = match[9] === undefined ? 0 : Number(match[9]);
  const offsetMinute = match[10] === undefined ? 0 : Number(match[10]);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHour <= 23 &&
    offsetMinute <= 59
  );
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Validates a period and returns its window; an end at or before the start is refused. */
export function parsePeriod(period: TimePeriod | undefined, field = 'validFor'): ValidityWindow {
  if (period === undefined) return {};
  const startsAt = optionalInstant(period.startDateTime, `${field}.startDateTime`);
  const endsAt = optionalInstant(period.endDateTime, `${field}.endDateTime`);
  if (startsAt !== undefined && endsAt !== undefined && endsAt <= startsAt) {
    throw domainError(
      'PERIOD.INVALID',
      `${field}.endDateTime must be after ${field}.startDateTime`,
      `${field}.endDateTime`,
    );
  }
  const window: { startsAt?: number; endsAt?: number } = {};
  if (startsAt !== undefined) window.startsAt = startsAt;
  if (endsAt !== undefined) window.endsAt = endsAt;
  return window;
}

function optionalInstant(text: string | undefined, field: string): number | undefined {
  return text === undefined ? undefined : parseInstant(text, field);
}
