import { BadRequestException, createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { BUCKET_STATUSES, TOPUP_STATUSES, tmfError } from '@ledger/contracts';

/** One attribute filter: `?relatedParty.id=42` → `{ path: 'relatedParty.id', value: '42' }` (exact match). */
export interface TmfFilter {
  path: string;
  value: string;
}

export interface TmfQuery {
  /** Top-level names to keep (plus id and href); undefined = whole objects. */
  fields?: string[];
  offset: number;
  limit: number;
  filters: TmfFilter[];
}

/** What a list endpoint may be filtered on, and the closed vocabularies worth checking up front. */
export interface ResourceQuerySpec {
  filters: readonly string[];
  values?: Readonly<Record<string, readonly string[]>>;
}

const REFS = ['product.id', 'partyAccount.id', 'relatedParty.id'];
export const BUCKET_QUERY: ResourceQuerySpec = {
  filters: ['id', 'name', 'status', 'type', ...REFS, 'realizingResource.id', 'realizingResource.value'],
  values: { status: BUCKET_STATUSES },
};
export const BALANCE_TOPUP_QUERY: ResourceQuerySpec = {
  filters: ['id', 'status', 'type', 'bucket.id', 'channel.id', 'requestor.id', ...REFS],
  values: { status: TOPUP_STATUSES },
};
export const BALANCE_ADJUSTMENT_QUERY: ResourceQuerySpec = {
  filters: ['id', 'type', 'bucket.id', 'requestor.id', ...REFS],
};
export const BALANCE_ACTIVITY_QUERY: ResourceQuerySpec = {
  filters: ['type', 'action.id', 'bucketBalance.id', ...REFS],
};

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
/**
 * PostgreSQL reads and throws away `offset` rows for every page, so an unbounded offset is a way to
 * make one request scan a whole table. Past this, clients page by a filter (e.g. a date) instead.
 */
export const MAX_OFFSET = 10_000;
const ALWAYS_KEPT = ['id', 'href'];

function invalid(param: string, problem: string): BadRequestException {
  return new BadRequestException(
    tmfError(400, 'INVALID_QUERY_PARAMETER', 'Invalid query parameter', `${param} ${problem}`),
  );
}

/** Express's default ("simple") query parser yields a string, or an array when a name repeats. */
function single(param: string, raw: unknown): string {
  if (typeof raw !== 'string') throw invalid(param, 'must be given once, as a single value');
  return raw;
}

function nonNegativeInt(param: string, raw: string, max: number): number {
  if (!/^\d{1,16}$/.test(raw)) throw invalid(param, `must be a non-negative integer, got "${raw}"`);
  const value = Number(raw);
  if (value > max) throw invalid(param, `must be at most ${max}, got ${value}`);
  return value;
}

/**
 * `fields` is a projection on top-level names: `amount.units` keeps the whole `amount`, because
 * a half Quantity (`{units}` without `amount`) means nothing to a client.
 */
function parseFields(raw: string): string[] {
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const bad = names.find((name) => !/^@?[A-Za-z][\w.@]*$/.test(name));
  if (bad !== undefined) throw invalid('fields', `has an invalid field name "${bad}"`);
  return [...new Set([...ALWAYS_KEPT, ...names.map((name) => name.split('.')[0])])];
}

function parseFilter(spec: ResourceQuerySpec, path: string, value: string): TmfFilter {
  if (!spec.filters.includes(path)) {
    const message = `Unknown query parameter "${path}"; filters allowed here: ${spec.filters.join(', ')}`;
    throw new BadRequestException(tmfError(400, 'UNKNOWN_QUERY_PARAMETER', 'Unknown query parameter', message));
  }
  if (value === '') throw invalid(path, 'must not be empty');
  const allowed = spec.values?.[path];
  if (allowed && !allowed.includes(value)) throw invalid(path, `must be one of: ${allowed.join(', ')}`);
  return { path, value };
}

/** Parses `fields`, `offset`, `limit` and the attribute filters; any problem is a 400 naming the parameter. */
export function parseTmfQuery(query: Record<string, unknown>, spec: ResourceQuerySpec): TmfQuery {
  const result: TmfQuery = { offset: 0, limit: DEFAULT_LIMIT, filters: [] };
  for (const [param, raw] of Object.entries(query)) {
    const value = single(param, raw);
    if (param === 'fields') result.fields = parseFields(value);
    else if (param === 'offset') result.offset = nonNegativeInt(param, value, MAX_OFFSET);
    else if (param === 'limit') result.limit = nonNegativeInt(param, value, MAX_LIMIT);
    else result.filters.push(parseFilter(spec, param, value));
  }
  return result;
}

/** Keeps only the requested top-level fields (and always id and href) of one item; map it over a list. */
export function projectFields<T extends object>(item: T, fields: readonly string[] | undefined): Partial<T> {
  if (fields === undefined) return item;
  const source = item as Record<string, unknown>;
  const kept = fields.filter((name) => Object.hasOwn(source, name)).map((name) => [name, source[name]]);
  return Object.fromEntries(kept) as Partial<T>;
}

/**
 * TMF paging headers: total matches of the filter (exact up to LIST_COUNT_CAP; beyond it the cap,
 * with `X-Total-Count-Capped: true`), and how many items this page returns.
 */
export function setResultHeaders(res: Response, totalCount: number, resultCount: number, capped = false): void {
  res.setHeader('X-Total-Count', String(totalCount));
  if (capped) res.setHeader('X-Total-Count-Capped', 'true');
  res.setHeader('X-Result-Count', String(resultCount));
}

/** `@TmfQueryParams(BUCKET_QUERY) query: TmfQuery` in a list handler; a bad query reaches the filter as a 400. */
export const TmfQueryParams = createParamDecorator((spec: ResourceQuerySpec, context: ExecutionContext): TmfQuery =>
  parseTmfQuery(context.switchToHttp().getRequest<Request>().query as Record<string, unknown>, spec),
);

/** Awaits a list page, sets the paging headers and returns the items: the tail of every list handler. */
export async function sendPage<T>(
  pending: Promise<{ items: T[]; total: number; totalCapped?: boolean }>,
  res: Response,
): Promise<T[]> {
  const { items, total, totalCapped } = await pending;
  setResultHeaders(res, total, items.length, totalCapped === true);
  return items;
}
