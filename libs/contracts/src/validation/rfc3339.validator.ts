import { ValidateBy, ValidationArguments, ValidationOptions } from 'class-validator';

/**
 * RFC 3339 `date-time` (section 5.6): full date, `T`, full time, and a mandatory `Z` or ±hh:mm
 * offset. A local time without offset is rejected because the ledger compares validity periods
 * across time zones and must never guess one. Leap seconds (`:60`) are rejected: JS dates, and so
 * every consumer of the events, cannot hold them.
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** Milliseconds since the epoch (fraction kept below the millisecond), or undefined when invalid. */
export function rfc3339Instant(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = DATE_TIME.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const [offsetHours, offsetMinutes] = [Number(match[9] ?? 0), Number(match[10] ?? 0)];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, 0);
  const offset = (match[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return utc.getTime() - offset + Number(`0${match[7] ?? ''}`) * 1000;
}

export function isRfc3339(value: unknown): boolean {
  return rfc3339Instant(value) !== undefined;
}

export function IsRfc3339(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRfc3339',
      validator: {
        validate: isRfc3339,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'value'} must be an RFC 3339 date-time with a time zone, e.g. 2025-01-31T23:59:59Z`,
      },
    },
    validationOptions,
  );
}

/** On `endDateTime`: the period must end strictly after it starts (an empty period validates nothing). */
export function IsAfterField(startField: string, validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAfterField',
      constraints: [startField],
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => {
          const start = rfc3339Instant((args?.object as Record<string, unknown> | undefined)?.[startField]);
          const end = rfc3339Instant(value);
          return start === undefined || end === undefined || end > start;
        },
        defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'value'} must be after ${startField}`,
      },
    },
    validationOptions,
  );
}
