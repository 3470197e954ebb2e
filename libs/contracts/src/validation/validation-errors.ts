import { ValidationError } from 'class-validator';
import { TmfError, tmfError } from '../tmf-error';

export type FieldErrorCode = 'MISSING_FIELD' | 'INVALID_FIELD' | 'UNKNOWN_FIELD';

/** One problem with one field, addressed by its full path (`amount.units`, `relatedParty[0].id`). */
export interface FieldError {
  path: string;
  code: FieldErrorCode;
  message: string;
}

/** Fields the server assigns; a client sending one gets told so instead of "unknown field". */
const SERVER_SET_FIELDS = new Set(['id', 'href', 'requestedDate', 'confirmationDate', 'statusChangeDate']);

const REASONS: Record<FieldErrorCode, string> = {
  MISSING_FIELD: 'Missing mandatory field',
  INVALID_FIELD: 'Invalid field value',
  UNKNOWN_FIELD: 'Unknown field',
};

function joinPath(parent: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent === '' ? property : `${parent}.${property}`;
}

/** class-validator messages start with the bare property name; swap it for the full path. */
function withPath(message: string, property: string, path: string): string {
  return message.startsWith(`${property} `) ? `${path}${message.slice(property.length)}` : `${path}: ${message}`;
}

function toFieldError(path: string, property: string, constraints: Record<string, string>): FieldError {
  if ('whitelistValidation' in constraints) {
    const topLevel = path === property;
    const why =
      topLevel && SERVER_SET_FIELDS.has(property)
        ? 'is set by the server and must not be sent'
        : 'is not a known field';
    return { path, code: 'UNKNOWN_FIELD', message: `${path} ${why}` };
  }
  if ('isDefined' in constraints) {
    return { path, code: 'MISSING_FIELD', message: withPath(constraints.isDefined, property, path) };
  }
  const messages = new Set(Object.values(constraints).map((message) => withPath(message, property, path)));
  return { path, code: 'INVALID_FIELD', message: [...messages].join('; ') };
}

/** Depth-first, in declaration order, so the first error reported is the first field in the body. */
export function flattenValidationErrors(errors: readonly ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const path = joinPath(parent, error.property);
    const own = error.constraints ? [toFieldError(path, error.property, error.constraints)] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], path)];
  });
}

/** The 400 body: `code` of the first problem, every problem listed in `message`. */
export function validationErrorBody(fieldErrors: readonly FieldError[]): TmfError {
  const first = fieldErrors[0] ?? { code: 'INVALID_FIELD' as const, message: 'Request body is invalid' };
  const message = fieldErrors.length === 0 ? first.message : fieldErrors.map((error) => error.message).join('; ');
  return tmfError(400, first.code, REASONS[first.code], message);
}
