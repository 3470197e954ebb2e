import { startLedgerApp, LedgerApp } from '../support/ledger-app';
import { authHeader } from '../support/test-auth';
import { bucketBody, countEvents, Json } from './v2-client';

jest.setTimeout(60_000);

/**
 * Input the ledger refuses before any use case runs (NUL characters, lone surrogates, unsafe
 * correlation ids, offsets past the cap), and the capped `X-Total-Count`. Every refusal is a 400
 * with a TMF body naming where the problem is, carries an `X-Correlation-Id`, and appends nothing.
 */

const COUNT_CAP = 3;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Answer {
  status: number;
  headers: Headers;
  body: Json;
}

describe('hardening of the HTTP edge', () => {
  let app: LedgerApp;
  let bucketId: string;

  /**
   * The one way this file talks to the API: paths are sent exactly as written (already
   * percent-encoded), `raw` bodies verbatim, so escapes reach the server untouched.
   */
  async function send(
    method: string,
    path: string,
    options: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const headers: Record<string, string> = {
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      ...(await authHeader()),
      ...options.headers,
    };
    const res = await fetch(`${app.v2}${path}`, { method, headers, body: payload });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text === '' ? {} : (JSON.parse(text) as Json) };
  }

  /** A refusal: the status, a TMF body with this code whose message names `where`, and nothing appended. */
  async function expectRefused(answer: Promise<Answer>, code: string, where: RegExp, status = 400): Promise<Answer> {
    const before = await countEvents(app.db.pool);
    const res = await answer;
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    expect(res.body).toEqual({ code, reason: expect.any(String), message: expect.any(String), status: String(status) });
    expect(res.body.message).toMatch(where);
    expect(res.headers.get('x-correlation-id')).toMatch(UUID);
    expect(await countEvents(app.db.pool)).toBe(before);
    return res;
  }

  beforeAll(async () => {
    app = await startLedgerApp({ env: { LIST_COUNT_CAP: String(COUNT_CAP) } });
    const created = await send('POST', '/bucket', { body: bucketBody({ product: [{ id: 'prod-hardening' }] }) });
    expect(created.status).toBe(201);
    bucketId = created.body.id;
  });
  afterAll(() => app.close());

  describe('NUL characters and lone surrogates', () => {
    it.each([
      ['a NUL in a path id', 'GET', '/bucket/abc%00def', /path segment "abc%00def" contains a NUL character/],
      [
        'a lone surrogate in a path id',
        'GET',
        '/bucket/%ED%A0%80',
        /path segment "%ED%A0%80" contains invalid percent/,
      ],
      ['a NUL in a write path', 'PUT', '/balanceTopup/t%00/status', /path segment "t%00" contains a NUL character/],
    ])('refuses %s', async (_name, method, path, where) => {
      const body = method === 'PUT' ? { status: 'cancelled' } : undefined;
      await expectRefused(send(method, path, { body }), 'INVALID_PATH_PARAMETER', where);
    });

    it.each([
      ['a NUL in a filter value', '/bucket?relatedParty.id=cust%00', /query parameter relatedParty.id contains a NUL/],
      [
        'a lone surrogate in a filter value',
        '/balanceTopup?status=%ED%B0%80',
        /query parameter status contains invalid/,
      ],
      ['a NUL in a parameter name', '/bucket?na%00me=x', /query parameter name "na%00me" contains a NUL/],
      ['a NUL in fields', '/balanceActivity?fields=type%00', /query parameter fields contains a NUL/],
    ])('refuses %s', async (_name, path, where) => {
      await expectRefused(send('GET', path), 'INVALID_QUERY_PARAMETER', where);
    });

    it.each([
      ['a NUL in a body string', 'name', '"Main\\u0000"', /^name contains a NUL character$/],
      ['a lone high surrogate', 'description', '"x\\ud800"', /^description contains a lone UTF-16 surrogate$/],
      [
        'a lone low surrogate in a list',
        'relatedParty',
        '[{"id":"c","name":"\\udc00"}]',
        /^relatedParty\[0\]\.name contains/,
      ],
      [
        'a NUL in a property name',
        'partyAccount',
        '{"i\\u0000d":"a"}',
        /^a property name in partyAccount contains a NUL/,
      ],
    ])('refuses %s in a command body', async (_name, field, value, where) => {
      const body: Json = bucketBody({ product: [{ id: 'prod-unsafe' }] });
      delete body[field];
      const raw = JSON.stringify(body).replace(/^\{/, `{"${field}":${value},`);
      await expectRefused(send('POST', '/bucket', { raw }), 'INVALID_FIELD', where);
    });

    it('still accepts escaped characters that are valid (a surrogate pair, an escaped letter)', async () => {
      const raw = JSON.stringify(bucketBody({ product: [{ id: 'prod-emoji' }] })).replace(
        /^\{/,
        '{"description":"\\ud83d\\udcb6 \\u0041",',
      );
      const res = await send('POST', '/bucket', { raw });
      expect(res.status).toBe(201);
      expect(res.body.description).toBe('\u{1f4b6} A');
    });
  });

  describe('X-Correlation-Id', () => {
    it('echoes a valid id and carries it into the events of the command', async () => {
      const id = 'req-2026.12:04_abc-1';
      const res = await send('POST', '/balanceTopup', {
        body: {
          type: 'voucher',
          channel: { id: 'web' },
          amount: { amount: 1, units: 'EUR' },
          bucket: { id: bucketId },
        },
        headers: { 'X-Correlation-Id': id },
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('x-correlation-id')).toBe(id);
      const { rows } = await app.db.pool.query<{ c: string }>(
        "SELECT metadata->>'correlationId' AS c FROM event_store.events WHERE metadata->>'correlationId' = $1",
        [id],
      );
      expect(rows.length).toBeGreaterThan(0);
    });

    it('generates one when none is given, on successes and on errors', async () => {
      const ok = await send('GET', `/bucket/${bucketId}`);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-correlation-id')).toMatch(UUID);
      const missing = await send('GET', '/bucket/no-such-bucket', { headers: { 'X-Correlation-Id': 'trace-404' } });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('x-correlation-id')).toBe('trace-404');
    });

    it.each([
      ['129 characters', 'a'.repeat(129)],
      ['a space', 'two words'],
      ['markup', '<script>'],
      ['a quote', 'id"1'],
      ['a non-ASCII letter', 'Zo\u00eb'],
      ['an empty value', ''],
    ])('refuses %s with a 400, answering with a generated id instead', async (_name, value) => {
      const res = await expectRefused(
        send('POST', '/bucket', {
          body: bucketBody({ product: [{ id: 'prod-corr' }] }),
          headers: { 'X-Correlation-Id': value },
        }),
        'INVALID_HEADER',
        /X-Correlation-Id must be 1-128 characters/,
      );
      expect(res.headers.get('x-correlation-id')).not.toBe(value);
    });

    it('accepts exactly 128 characters', async () => {
      const id = 'x'.repeat(128);
      const res = await send('GET', `/bucket/${bucketId}`, { headers: { 'X-Correlation-Id': id } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-correlation-id')).toBe(id);
    });
  });

  describe('list limits', () => {
    beforeAll(async () => {
      for (let i = 0; i < COUNT_CAP + 1; i++) {
        const res = await send('POST', '/bucket', { body: bucketBody({ product: [{ id: `prod-many-${i % 2}` }] }) });
        expect(res.status).toBe(201);
      }
    });

    it('refuses an offset past 10,000 naming the parameter, and accepts 10,000', async () => {
      await expectRefused(
        send('GET', '/bucket?offset=10001'),
        'INVALID_QUERY_PARAMETER',
        /^offset must be at most 10000/,
      );
      const last = await send('GET', '/balanceActivity?offset=10000');
      expect(last.status).toBe(200);
      expect(last.body).toEqual([]);
    });

    it('reports the cap as X-Total-Count, flagged X-Total-Count-Capped, when more match', async () => {
      const res = await send('GET', '/bucket?limit=5');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-total-count')).toBe(String(COUNT_CAP));
      expect(res.headers.get('x-total-count-capped')).toBe('true');
      expect(res.headers.get('x-result-count')).toBe('5');
    });

    it('counts exactly, without the flag, up to the cap', async () => {
      const res = await send('GET', '/bucket?product.id=prod-many-1');
      expect(res.headers.get('x-total-count')).toBe('2');
      expect(res.headers.get('x-total-count-capped')).toBeNull();
      expect(res.body).toHaveLength(2);
    });
  });
});
