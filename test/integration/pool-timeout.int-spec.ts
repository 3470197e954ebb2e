import type { PoolClient } from 'pg';
import { isPoolTimeout, PG_POOL, type PgPool } from '@ledger/postgres';
import { countEvents, createBucket, topupBody, v2Client, type V2Client } from '../e2e/v2-client';
import { LedgerApp, startLedgerApp } from '../support/ledger-app';

/**
 * A pool with every connection busy must refuse new work at once (503, TMF body, Retry-After)
 * instead of queueing it without limit, and recover as soon as connections come free. The API's
 * own pool (2 connections, 300 ms wait) is held busy by this test on a real PostgreSQL.
 */

jest.setTimeout(60_000);

const POOL_MAX = 2;

describe('balance-api with its database pool exhausted', () => {
  let app: LedgerApp;
  let api: V2Client;
  let pool: PgPool;
  const held: PoolClient[] = [];

  /** Checks out connections until the pool has none left to give (the first wait that times out). */
  async function holdEveryConnection(): Promise<void> {
    for (;;) {
      try {
        held.push(await pool.connect());
      } catch (error) {
        if (isPoolTimeout(error)) return;
        throw error;
      }
    }
  }

  function releaseAll(): void {
    for (const client of held.splice(0)) client.release();
  }

  beforeAll(async () => {
    app = await startLedgerApp({
      env: { DATABASE_POOL_MAX: String(POOL_MAX), DATABASE_POOL_TIMEOUT_MS: '300' },
    });
    api = v2Client(app.v2);
    pool = app.api.get<symbol, PgPool>(PG_POOL);
  });
  afterAll(async () => {
    releaseAll();
    await app?.close();
  });

  it('answers commands and reads with 503 SERVICE_UNAVAILABLE, appends nothing, and recovers', async () => {
    const bucket = await createBucket(api, { product: [{ id: 'prod-pool' }] });
    const before = await countEvents(app.db.pool);
    await holdEveryConnection();
    expect(held.length).toBeGreaterThan(0);
    expect(held.length).toBeLessThanOrEqual(POOL_MAX);

    const answers = await Promise.all([
      ...Array.from({ length: 10 }, (_, i) => api.post('/balanceTopup', topupBody(bucket.id, i + 1))),
      api.get(`/bucket/${bucket.id}`),
      api.get('/balanceActivity'),
    ]);
    for (const res of answers) {
      expect({ status: res.status, body: res.body }).toEqual({
        status: 503,
        body: {
          code: 'SERVICE_UNAVAILABLE',
          reason: 'Service Unavailable',
          message: expect.stringMatching(/no free connection/),
          status: '503',
        },
      });
      expect(res.headers.get('retry-after')).toBe('1');
    }
    expect(await countEvents(app.db.pool)).toBe(before);

    releaseAll();
    const retried = await api.post('/balanceTopup', topupBody(bucket.id, 5));
    expect(retried.status).toBe(201);
    expect(await countEvents(app.db.pool)).toBeGreaterThan(before);
  });
});
