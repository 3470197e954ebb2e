import type { Pool } from 'pg';
import { type TokenClaims, tokenFor } from '../support/test-auth';

/**
 * A thin HTTP client for the v2 API, shared by the e2e specs: every call goes through the real
 * server with Node's fetch, and answers are parsed once so a test asserts on status, headers and
 * body together.
 */
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export type Json = Record<string, any>;

export interface RequestOptions {
  headers?: Record<string, string>;
  /** The bearer token to send instead of the client's own; null sends none. */
  token?: string | null;
  /** Sent verbatim (malformed JSON cases); otherwise `body` is JSON-encoded. */
  raw?: string;
}

/**
 * Every request carries a bearer token of the test issuer: by default one with every role (a test
 * that is not about roles should not fail on them); `as` picks the caller's roles, subject and client.
 */
export function v2Client(base: string, as: TokenClaims = {}) {
  let own: Promise<string> | undefined;
  async function authorization(options: RequestOptions): Promise<Record<string, string>> {
    const token =
      options.token === undefined
        ? await (own ??= tokenFor({ subject: 'e2e', clientId: 'e2e', ...as }))
        : options.token;
    return token === null ? {} : { authorization: `Bearer ${token}` };
  }
  async function call<T>(
    method: string,
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const payload = options.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    const headers = {
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      ...(await authorization(options)),
      ...options.headers,
    };
    const res = await fetch(`${base}${path}`, { method, headers, body: payload });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }
  return {
    get: <T = any>(path: string, options?: RequestOptions) => call<T>('GET', path, undefined, options),
    post: <T = any>(path: string, body?: unknown, options?: RequestOptions) => call<T>('POST', path, body, options),
    put: <T = any>(path: string, body?: unknown, options?: RequestOptions) => call<T>('PUT', path, body, options),
    request: <T = any>(method: string, path: string, body?: unknown, options?: RequestOptions) =>
      call<T>(method, path, body, options),
  };
}

export type V2Client = ReturnType<typeof v2Client>;

export function bucketBody(overrides: Json = {}): Json {
  return {
    type: 'monetary',
    name: 'Main',
    product: [{ id: 'prod-1' }],
    amount: { amount: 10, units: 'EUR' },
    validFor: { startDateTime: '2025-01-01T00:00:00Z', endDateTime: '2099-01-01T00:00:00Z' },
    relatedParty: [{ id: 'cust-1', role: 'customer', name: 'Ann' }],
    partyAccount: { id: 'acc-1' },
    ...overrides,
  };
}

export function topupBody(bucketId: string, amount: number, overrides: Json = {}): Json {
  return {
    type: 'voucher',
    channel: { id: 'web' },
    amount: { amount, units: 'EUR' },
    bucket: { id: bucketId },
    ...overrides,
  };
}

export function adjustmentBody(bucketId: string, amount: number, overrides: Json = {}): Json {
  return {
    type: 'correction',
    reason: 'goodwill',
    amount: { amount, units: 'EUR' },
    bucket: { id: bucketId },
    ...overrides,
  };
}

/** Creates a bucket and fails loudly (with the server's answer) unless it is a 201. */
export async function createBucket(api: V2Client, overrides: Json = {}): Promise<Json> {
  const res = await api.post('/bucket', bucketBody(overrides));
  if (res.status !== 201) throw new Error(`POST /bucket answered ${res.status}: ${res.text}`);
  return res.body;
}

export async function bucketAmount(api: V2Client, bucketId: string): Promise<unknown> {
  const res = await api.get(`/bucket/${bucketId}`);
  if (res.status !== 200) throw new Error(`GET /bucket/${bucketId} answered ${res.status}: ${res.text}`);
  return res.body.amount;
}

/** Every event in the store: the proof that a rejected request appended nothing. */
export async function countEvents(pool: Pool, streamId?: string): Promise<number> {
  const { rows } =
    streamId === undefined
      ? await pool.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events')
      : await pool.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events WHERE stream_id = $1', [
          streamId,
        ]);
  return Number(rows[0].n);
}

/** Runs `task` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Asserts the HTTP status and, when it is wrong, shows the server's answer in the failure. */
export function expectStatus(res: ApiResponse, ...allowed: number[]): void {
  if (!allowed.includes(res.status)) {
    throw new Error(`expected HTTP ${allowed.join(' or ')}, got ${res.status}: ${res.text}`);
  }
}
