/**
 * Domain errors carry a stable code that callers map to transport errors (one exception filter
 * maps codes to HTTP statuses). Codes are data: clients and dashboards key on them, so a code is
 * never renamed; a new failure gets a new code. `field` names the offending request field when
 * one exists, so a 400 body can point at it.
 *
 * Errors are plain `Error` objects tagged by a factory rather than a subclass: the domain library
 * holds no classes (style rule 1), and the tag survives bundling and `instanceof` across realms.
 */
export const DOMAIN_ERROR_CODES = [
  'AMOUNT.NOT_A_NUMBER',
  'AMOUNT.TOO_PRECISE',
  'AMOUNT.OUT_OF_RANGE',
  'AMOUNT.NOT_POSITIVE',
  'AMOUNT.NEGATIVE',
  'AMOUNT.ZERO',
  'QUANTITY.UNITS_REQUIRED',
  'DATE.INVALID',
  'PERIOD.INVALID',
  'BUCKET.NOT_FOUND',
  'BUCKET.ALREADY_EXISTS',
  'BUCKET.REFERENCE_REQUIRED',
  'BUCKET.AMBIGUOUS',
  'BUCKET.INVALID_STATUS',
  'BUCKET.UNITS_MISMATCH',
  'BUCKET.EXPIRED',
  'BUCKET.SUSPENDED',
  'BUCKET.NOT_YET_VALID',
  'BUCKET.INSUFFICIENT_BALANCE',
  'TOPUP.NOT_FOUND',
  'TOPUP.INVALID_STATUS',
  'TOPUP.INVALID_TRANSITION',
  'TOPUP.INVALID_AUTO_TOPUP',
  'RESERVATION.NOT_FOUND',
  'RESERVATION.CONFLICT',
  'RESERVATION.EXPIRED',
  'RESERVATION.EXPIRY_NOT_IN_FUTURE',
  'RESERVATION.INSUFFICIENT_BALANCE',
  'TRANSFER.NOT_FOUND',
  'TRANSFER.ALREADY_EXISTS',
  'TRANSFER.INVALID_TRANSITION',
  'TRANSFER.SAME_BUCKET',
  'TRANSFER.UNITS_MISMATCH',
  'TRANSFER.COST_EXCEEDS_AMOUNT',
  'TRANSFER.DECLINED',
  'TRANSFER.ALREADY_CREDITED',
] as const;

export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number];

export interface DomainError extends Error {
  readonly name: 'DomainError';
  readonly code: DomainErrorCode;
  readonly field?: string;
  /** Extra machine-readable facts, e.g. the candidate ids of an ambiguous bucket resolution. */
  readonly details?: Readonly<Record<string, unknown>>;
}

const KNOWN_CODES: ReadonlySet<string> = new Set(DOMAIN_ERROR_CODES);

export function domainError(
  code: DomainErrorCode,
  message: string,
  field?: string,
  details?: Readonly<Record<string, unknown>>,
): DomainError {
  const error = new Error(message) as Error & { code?: string; field?: string; details?: unknown };
  error.name = 'DomainError';
  error.code = code;
  if (field !== undefined) error.field = field;
  if (details !== undefined) error.details = details;
  return error as DomainError;
}

export function isDomainError(value: unknown): value is DomainError {
  if (!(value instanceof Error) || value.name !== 'DomainError') return false;
  const code = (value as { code?: unknown }).code;
  return typeof code === 'string' && KNOWN_CODES.has(code);
}
