import { ValidateBy, ValidationArguments, ValidationOptions } from 'class-validator';

/**
 * A JSON number literal with no exact JS number twin (`0.1000000000000000000001`, `1e400`,
 * `9007199254740993`). The body parser leaves it where the number was, so validation rejects it
 * naming the field instead of the ledger silently booking a rounded amount.
 * The default argument lets class-transformer re-create it (it calls constructors with no
 * arguments, then copies the own properties back).
 */
export class InexactNumber {
  constructor(public literal = '') {}
}

/** Six decimals hold every ISO 4217 minor unit and the sub-cent rates of data/voice tariffs. */
export const MAX_AMOUNT_DECIMALS = 6;
/** 15 integer digits + 6 decimals fit a NUMERIC(21,6) column and a bigint of micro-units. */
export const MAX_ABS_AMOUNT = 1e15;

export interface ExactAmountOptions {
  /** Negative values allowed (adjustments: positive credits, negative debits). */
  signed?: boolean;
  /** Zero allowed (an opening balance or a limit may be 0; a topup or adjustment of 0 is a no-op). */
  allowZero?: boolean;
}

/** Decimal places of a finite JS number, read from its shortest round-trip form. */
export function decimalPlaces(value: number): number {
  const [mantissa, exponent = '0'] = String(value).toLowerCase().split('e');
  const fraction = mantissa.split('.')[1] ?? '';
  return Math.max(0, fraction.length - Number(exponent));
}

/** Why `value` is not an acceptable amount, or undefined when it is. Phrased to follow the field name. */
export function exactAmountProblem(value: unknown, options: ExactAmountOptions = {}): string | undefined {
  const { signed = false, allowZero = false } = options;
  if (value instanceof InexactNumber) {
    return `is not exactly representable as a number (${value.literal}); send at most 15 significant digits`;
  }
  if (typeof value !== 'number') return 'must be a JSON number';
  if (!Number.isFinite(value)) return 'must be a finite number';
  if (Math.abs(value) >= MAX_ABS_AMOUNT) return 'must be less than 1e15 in absolute value';
  if (decimalPlaces(value) > MAX_AMOUNT_DECIMALS) return `must have at most ${MAX_AMOUNT_DECIMALS} decimal places`;
  if (value === 0 && !allowZero) return 'must not be zero';
  if (value < 0 && !signed) return allowZero ? 'must not be negative' : 'must be greater than 0';
  return undefined;
}

/** Validates a Quantity `amount`: exactly representable, finite, ≤ 6 decimals, |x| < 1e15, sign rule. */
export function IsExactAmount(
  options: ExactAmountOptions = {},
  validationOptions?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isExactAmount',
      constraints: [options],
      validator: {
        validate: (value: unknown) => exactAmountProblem(value, options) === undefined,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'amount'} ${exactAmountProblem(args?.value, options) ?? 'is invalid'}`,
      },
    },
    validationOptions,
  );
}
