import { domainError } from '../domain-error';

/**
 * Exact amounts. Every balance is a bigint count of micro-units (scale 6), so 12.5 EUR is
 * 12_500_000n. Binary floating point never touches a balance: 0.1 + 0.2 must equal 0.3 to the
 * last unit, and a sum of a million small top-ups must not drift.
 *
 * Documented limits (README "Amounts"):
 * - at most 6 decimal places (AMOUNT.TOO_PRECISE otherwise);
 * - absolute value below 10^15 units (AMOUNT.OUT_OF_RANGE otherwise), for inputs and for every
 *   balance a command would produce. 10^15 × 10^6 micro-units fits a PostgreSQL numeric and stays
 *   far from any limit of downstream stores.
 */
export const AMOUNT_SCALE = 6;
export const MICRO_PER_UNIT = 10n ** BigInt(AMOUNT_SCALE);
export const MAX_ABS_UNITS = 10n ** 15n;
/** Exclusive bound on the absolute value of any amount, in micro-units. */
export const MAX_ABS_MICRO = MAX_ABS_UNITS * MICRO_PER_UNIT;
const MAX_MICRO_DIGITS = MAX_ABS_MICRO.toString().length - 1;

// JSON number grammar, loosened to allow a leading '+' and leading zeros, so the raw text that a
// lossless JSON parser hands over (including exponent forms like "1E+3") parses unchanged.
const DECIMAL_TEXT = /^([+-])?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parses a decimal string or a JS number into micro-units. A number is read only through its
 * shortest round-trip text (`String(n)`), so 0.1 is exactly 0.1 and 0.1 + 0.2 is refused as too
 * precise instead of being silently rounded.
 */
export function parseAmount(value: unknown, field = 'amount'): bigint {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw notANumber(value, field);
    return parseDecimalText(String(value), field);
  }
  if (typeof value === 'string') return parseDecimalText(value, field);
  throw notANumber(value, field);
}

function parseDecimalText(text: string, field: string): bigint {
  const match = DECIMAL_TEXT.exec(text);
  if (match === null) throw notANumber(text, field);
  const [, sign, whole, fraction = '', exponentText = '0'] = match;
  const digits = (whole + fraction).replace(/^0+/, '');
  if (digits === '') return 0n;
  const significant = digits.replace(/0+$/, '');
  // Exponents are compared as numbers before any bigint power is built, so "1e999999999" is
  // refused in constant time instead of allocating a huge integer.
  const shift = Number(exponentText) - fraction.length + AMOUNT_SCALE + (digits.length - significant.length);
  if (shift < 0) throw tooPrecise(text, field);
  if (significant.length + shift > MAX_MICRO_DIGITS) throw outOfRange(text, field);
  const micro = BigInt(significant) * 10n ** BigInt(shift);
  return checkedAmount(sign === '-' ? -micro : micro, field);
}

/** Refuses any amount, input or computed balance, whose absolute value reaches 10^15 units. */
export function checkedAmount(micro: bigint, field = 'amount'): bigint {
  const abs = micro < 0n ? -micro : micro;
  if (abs >= MAX_ABS_MICRO) throw outOfRange(formatAmount(micro), field);
  return micro;
}

/** Canonical text: no exponent, no trailing zeros, no "+" and no "-0" ("12.5", "-0.000001", "100"). */
export function formatAmount(micro: bigint): string {
  const negative = micro < 0n;
  const abs = negative ? -micro : micro;
  const whole = (abs / MICRO_PER_UNIT).toString();
  const fraction = (abs % MICRO_PER_UNIT).toString().padStart(AMOUNT_SCALE, '0').replace(/0+$/, '');
  const text = fraction === '' ? whole : `${whole}.${fraction}`;
  return negative ? `-${text}` : text;
}

function notANumber(value: unknown, field: string) {
  const shown = typeof value === 'string' ? `"${value}"` : String(value);
  return domainError('AMOUNT.NOT_A_NUMBER', `${field} must be a finite decimal number, got ${shown}`, field);
}

function tooPrecise(text: string, field: string) {
  return domainError('AMOUNT.TOO_PRECISE', `${field} has more than ${AMOUNT_SCALE} decimal places: ${text}`, field);
}

function outOfRange(text: string, field: string) {
  return domainError('AMOUNT.OUT_OF_RANGE', `${field} must be below 10^15 in absolute value, got ${text}`, field);
}
