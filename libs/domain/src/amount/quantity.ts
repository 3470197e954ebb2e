import { domainError } from '../domain-error';
import { formatAmount, parseAmount } from './decimal';

/**
 * A TM Forum Quantity held exactly: `amount` in micro-units, `units` as given ("EUR", "MB").
 * Units are compared verbatim: the ledger does not convert, so "EUR" and "eur" are different
 * units and a mismatch is refused rather than guessed.
 */
export interface Quantity {
  readonly amount: bigint;
  readonly units: string;
}

/** The JSON form stored in events and published: the amount as canonical decimal text. */
export interface QuantityData {
  readonly amount: string;
  readonly units: string;
}

/** Parses an untrusted `{amount, units}` (amount as number or decimal string). */
export function parseQuantity(value: unknown, field = 'amount'): Quantity {
  const raw = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const units = parseUnits(raw.units, `${field}.units`);
  return { amount: parseAmount(raw.amount, `${field}.amount`), units };
}

export function parseUnits(value: unknown, field = 'units'): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw domainError('QUANTITY.UNITS_REQUIRED', `${field} must be a non-empty string`, field);
  }
  return value;
}

export function quantity(amount: bigint, units: string): Quantity {
  return { amount, units };
}

export function toQuantityData(value: Quantity): QuantityData {
  return { amount: formatAmount(value.amount), units: value.units };
}

/** Reads event data back; the text was canonical when written, so it always parses. */
export function fromQuantityData(value: QuantityData, field = 'amount'): Quantity {
  return { amount: parseAmount(value.amount, `${field}.amount`), units: parseUnits(value.units, `${field}.units`) };
}
