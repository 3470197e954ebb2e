import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { isTmfError, TmfError, tmfError } from '@ledger/contracts';
import { isPoolTimeout } from '@ledger/postgres';

/** What the filter sends: the HTTP status and the TMF error body. */
export interface TmfErrorResponse {
  status: number;
  body: TmfError;
  /** Response headers that belong to this answer (`Retry-After` on a 503). */
  headers?: Record<string, string>;
}

/**
 * Domain codes are dotted upper-case segments (`BUCKET.INSUFFICIENT_BALANCE`). Node (`ECONNREFUSED`)
 * and Postgres (`23505`) codes are not, and the event store's own (`EVENT_STORE.*`) name
 * infrastructure faults, so none of those passes for a business rejection with internals in the message.
 */
const DOMAIN_CODE = /^[A-Z][A-Z0-9_]*(\.[A-Z][A-Z0-9_]*)+$/;
const INFRASTRUCTURE_CODE = /^EVENT_STORE\./;

const keywords = (...words: string[]): RegExp => new RegExp(`(^|[._])(${words.join('|')})($|[._])`);

/**
 * First match wins. Malformed input the DTOs could not see (AMOUNT.*, DATE.*, a missing bucket
 * reference, a status outside the vocabulary) is 400, like the DTO layer's own answer to the same
 * input; a well-formed command the current state refuses is 404, 409 or 422. A domain code that
 * matches no row is still a rule the command broke: 422.
 */
export const DOMAIN_STATUS_TABLE: ReadonlyArray<readonly [RegExp, number]> = [
  [/^(AMOUNT|QUANTITY|DATE|PERIOD)\./, 400],
  [keywords('REFERENCE_REQUIRED', 'INVALID_STATUS', 'INVALID_AUTO_TOPUP', 'EXPIRY_NOT_IN_FUTURE', 'SAME_BUCKET'), 400],
  [keywords('COST_EXCEEDS_AMOUNT'), 400],
  [keywords('NOT_FOUND'), 404],
  [keywords('ALREADY_EXISTS', 'INVALID_TRANSITION', 'AMBIGUOUS', 'IDEMPOTENCY', 'CONFLICT', 'ALREADY_CREDITED'), 409],
  [keywords('INSUFFICIENT_BALANCE', 'EXPIRED', 'SUSPENDED', 'UNITS_MISMATCH', 'NOT_YET_VALID', 'DECLINED'), 422],
];
export const UNMAPPED_DOMAIN_STATUS = 422;

/** Infrastructure errors that are the client's to retry, keyed by class name (they carry no domain code). */
const NAMED_CONFLICTS: Record<string, { code: string; message: string }> = {
  CommandIdConflict: {
    code: 'IDEMPOTENCY.COMMAND_ID_CONFLICT',
    message: 'This request id was already used for a different request',
  },
  StreamVersionConflict: {
    code: 'CONCURRENCY.CONFLICT',
    message: 'The resource was changed concurrently; retry the request',
  },
};

export function domainStatus(code: string): number {
  return DOMAIN_STATUS_TABLE.find(([pattern]) => pattern.test(code))?.[1] ?? UNMAPPED_DOMAIN_STATUS;
}

/** `BUCKET.INSUFFICIENT_BALANCE` → `Insufficient balance`; `Payload Too Large` → `PAYLOAD_TOO_LARGE`. */
const humanize = (code: string): string => {
  const words = (code.split('.').pop() ?? code).toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};
const statusPhrase = (status: number): string => STATUS_CODES[status] ?? 'Error';
const statusCode = (status: number): string =>
  statusPhrase(status)
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_');

function httpMessage(response: string | object, fallback: string): string {
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : fallback;
}

function fromHttpException(exception: HttpException): TmfErrorResponse {
  const status = exception.getStatus();
  const response = exception.getResponse();
  if (isTmfError(response)) return { status, body: { ...response, status: String(status) } };
  return {
    status,
    body: tmfError(status, statusCode(status), statusPhrase(status), httpMessage(response, exception.message)),
  };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/**
 * No database connection came free within the pool's timeout: the request was not executed
 * (pg-pool gave up before sending a statement), so the client may retry it as it is.
 */
function databaseBusy(): TmfErrorResponse {
  const message = 'The database has no free connection right now; nothing was done, retry the request shortly';
  return {
    status: 503,
    body: tmfError(503, 'SERVICE_UNAVAILABLE', 'Service Unavailable', message),
    headers: { 'Retry-After': '1' },
  };
}

/**
 * PostgreSQL is gone or refusing sessions (a restart, a failover, too many clients), as pg reports
 * it: SQLSTATE class 08 (connection exception), 57P01-57P03 (shut down by the administrator, a
 * crash, still starting), 53300 (too many connections), a socket error, or pg's own messages for
 * a connection that ended under a query.
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
const UNAVAILABLE_SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection error and is not queryable|Client was closed and is not queryable|terminating connection/i;

export function isDatabaseUnavailable(exception: unknown): boolean {
  const { code, message } = asRecord(exception);
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_SOCKET.has(code))) return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message);
}

/**
 * The database went away while serving the request. A command may or may not have been appended
 * before the connection broke, so the answer says to retry with the same Idempotency-Key, which
 * returns the first outcome if it was.
 */
function databaseUnavailable(): TmfErrorResponse {
  const message =
    'The database is unavailable right now; retry shortly (a command with the same Idempotency-Key, since it may have been applied)';
  return {
    status: 503,
    body: tmfError(503, 'SERVICE_UNAVAILABLE', 'Service Unavailable', message),
    headers: { 'Retry-After': '1' },
  };
}

/** Maps anything thrown while serving a request to a status and TMF body. Never leaks an unknown error. */
export function toTmfErrorResponse(exception: unknown): TmfErrorResponse {
  if (exception instanceof HttpException) return fromHttpException(exception);
  const error = asRecord(exception);
  const message = typeof error.message === 'string' ? error.message : undefined;
  const names = [error.name, (exception as object | undefined)?.constructor?.name];
  const conflict = names
    .filter((name): name is string => typeof name === 'string' && Object.hasOwn(NAMED_CONFLICTS, name))
    .map((name) => NAMED_CONFLICTS[name])[0];
  if (conflict) return { status: 409, body: tmfError(409, conflict.code, 'Conflict', conflict.message) };
  if (isPoolTimeout(exception)) return databaseBusy();
  if (isDatabaseUnavailable(exception)) return databaseUnavailable();
  if (typeof error.code === 'string' && DOMAIN_CODE.test(error.code) && !INFRASTRUCTURE_CODE.test(error.code)) {
    const status = domainStatus(error.code);
    return { status, body: tmfError(status, error.code, humanize(error.code), message) };
  }
  // http-errors raised by Express middleware mark client errors safe to show with `expose`.
  if (error.expose === true && typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
    return {
      status: error.status,
      body: tmfError(error.status, statusCode(error.status), statusPhrase(error.status), message),
    };
  }
  return {
    status: 500,
    body: tmfError(500, 'INTERNAL_ERROR', 'Internal Server Error', 'An unexpected error occurred; it has been logged'),
  };
}
