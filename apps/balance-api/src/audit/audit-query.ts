import { BadRequestException, NotFoundException } from '@nestjs/common';
import { tmfError } from '@ledger/contracts';
import { parseInstant } from '@ledger/domain';

/** The audit routes' own query parameters; anything else is refused, as on the TMF routes. */
type Query = Record<string, unknown>;

export const DEFAULT_EVENTS_LIMIT = 100;
export const MAX_EVENTS_LIMIT = 1000;

function invalid(param: string, problem: string): BadRequestException {
  return new BadRequestException(
    tmfError(400, 'INVALID_QUERY_PARAMETER', 'Invalid query parameter', `${param} ${problem}`),
  );
}

export function refuseUnknown(query: Query, allowed: readonly string[]): void {
  const unknown = Object.keys(query).find((name) => !allowed.includes(name));
  if (unknown === undefined) return;
  const message = `Unknown query parameter "${unknown}"; allowed here: ${allowed.join(', ')}`;
  throw new BadRequestException(tmfError(400, 'UNKNOWN_QUERY_PARAMETER', 'Unknown query parameter', message));
}

function single(query: Query, param: string): string | undefined {
  const raw = query[param];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw invalid(param, 'must be given once, as a single value');
  return raw;
}

/** A revision or count: a whole number written in decimal digits, nothing else ("-1", "1e3", "" refused). */
export function wholeNumber(query: Query, param: string, max?: bigint): bigint | undefined {
  const raw = single(query, param);
  if (raw === undefined) return undefined;
  if (!/^\d{1,19}$/.test(raw)) throw invalid(param, `must be a non-negative whole number, got "${raw}"`);
  const value = BigInt(raw);
  if (max !== undefined && value > max) throw invalid(param, `must be at most ${max}, got ${raw}`);
  return value;
}

export function eventsLimit(query: Query): number {
  const limit = wholeNumber(query, 'limit', BigInt(MAX_EVENTS_LIMIT));
  if (limit === 0n) throw invalid('limit', 'must be at least 1');
  return limit === undefined ? DEFAULT_EVENTS_LIMIT : Number(limit);
}

/** `at` (RFC 3339 with a zone) or `revision`: exactly one of them. */
export function balancePoint(query: Query): { at: string; atMs: number } | { revision: bigint } {
  const at = single(query, 'at');
  const revision = wholeNumber(query, 'revision');
  if ((at === undefined) === (revision === undefined)) throw invalid('at', 'or revision must be given, and not both');
  if (revision !== undefined) return { revision };
  try {
    return { at: at!, atMs: parseInstant(at, 'at') };
  } catch {
    throw invalid('at', `must be an RFC 3339 date-time with a time zone (e.g. 2025-01-31T23:59:59Z), got "${at}"`);
  }
}

export function bucketNotFound(bucketId: string, problem = 'has no event stream'): NotFoundException {
  return new NotFoundException(tmfError(404, 'NOT_FOUND', 'Not found', `bucket ${bucketId} ${problem}`));
}
