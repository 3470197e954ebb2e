import { randomUUID } from 'node:crypto';
import { tmf654V2Base } from '@ledger/contracts';
import { type ChildHandle, freePort, spawnTsEntry } from '../support/processes';
import { startLedgerApp, LedgerApp } from '../support/ledger-app';
import {
  adjustmentBody,
  bucketAmount,
  bucketBody,
  countEvents,
  createBucket,
  expectStatus,
  mapWithConcurrency,
  topupBody,
  v2Client,
  V2Client,
} from './v2-client';

jest.setTimeout(120_000);

/** Every create's idempotency contract: a keyed retry, however it races, answers the first outcome. */
describe('Idempotency-Key on every create', () => {
  let app: LedgerApp;
  let api: V2Client;

  beforeAll(async () => {
    app = await startLedgerApp();
    api = v2Client(app.v2);
  });
  afterAll(async () => {
    await app?.close();
  });

  const keyed = (key: string) => ({ headers: { 'idempotency-key': key } });
  const bucketStreams = async (): Promise<string[]> => {
    const { rows } = await app.db.pool.query<{ stream_id: string }>(
      "SELECT stream_id FROM event_store.events WHERE event_type = 'BucketOpened' ORDER BY stream_id",
    );
    return rows.map((r) => r.stream_id);
  };

  describe('POST /bucket', () => {
    it('answers 20 racing retries of one keyed create with one bucket, appended once', async () => {
      const before = await bucketStreams();
      const key = `create-${randomUUID()}`;
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => api.post('/bucket', bucketBody(), keyed(key))),
      );
      for (const res of responses) expectStatus(res, 201);
      const ids = new Set(responses.map((r) => r.body.id));
      expect(ids.size).toBe(1);
      const [id] = [...ids];
      expect(new Set(responses.map((r) => r.headers.get('location')))).toEqual(new Set([responses[0].body.href]));
      const created = (await bucketStreams()).filter((s) => !before.includes(s));
      expect(created).toEqual([`bucket-${id}`]);
      expect(await countEvents(app.db.pool, `bucket-${id}`)).toBe(1);
    });

    it('answers a late retry with the bucket the first attempt created', async () => {
      const key = `late-${randomUUID()}`;
      const first = await api.post('/bucket', bucketBody(), keyed(key));
      expectStatus(first, 201);
      await api.post('/balanceTopup', topupBody(first.body.id, 5));
      const retry = await api.post('/bucket', bucketBody(), keyed(key));
      expectStatus(retry, 201);
      expect(retry.body.id).toBe(first.body.id);
      expect(retry.body.amount).toEqual({ amount: 15, units: 'EUR' });
      expect(await countEvents(app.db.pool, `bucket-${first.body.id}`)).toBe(3);
    });

    it('refuses the same key with another body with IDEMPOTENCY.KEY_REUSED, appending nothing', async () => {
      const key = `reused-${randomUUID()}`;
      expectStatus(await api.post('/bucket', bucketBody(), keyed(key)), 201);
      const eventsBefore = await countEvents(app.db.pool);
      const res = await api.post('/bucket', bucketBody({ name: 'Another' }), keyed(key));
      expectStatus(res, 409);
      expect(res.body).toEqual({
        code: 'IDEMPOTENCY.KEY_REUSED',
        reason: expect.any(String),
        message: expect.any(String),
        status: '409',
      });
      expect(await countEvents(app.db.pool)).toBe(eventsBefore);
    });
  });

  describe('POST /balanceTopup and /balanceAdjustment', () => {
    it('refuses a topup key reused with another amount with IDEMPOTENCY.KEY_REUSED', async () => {
      const bucket = await createBucket(api);
      const key = `topup-${randomUUID()}`;
      expectStatus(await api.post('/balanceTopup', topupBody(bucket.id, 3), keyed(key)), 201);
      const res = await api.post('/balanceTopup', topupBody(bucket.id, 4), keyed(key));
      expectStatus(res, 409);
      expect(res.body.code).toBe('IDEMPOTENCY.KEY_REUSED');
      expect(await bucketAmount(api, bucket.id)).toEqual({ amount: 13, units: 'EUR' });
    });

    it('answers the retry of a debit that succeeded with that debit, once the balance has since gone down', async () => {
      const bucket = await createBucket(api, { amount: { amount: 10, units: 'EUR' } });
      const key = `debit-${randomUUID()}`;
      const first = await api.post('/balanceAdjustment', adjustmentBody(bucket.id, -8), keyed(key));
      expectStatus(first, 201);
      expectStatus(await api.post('/balanceAdjustment', adjustmentBody(bucket.id, -2)), 201);
      const retry = await api.post('/balanceAdjustment', adjustmentBody(bucket.id, -8), keyed(key));
      expectStatus(retry, 201);
      expect(retry.body.id).toBe(first.body.id);
      expect(await bucketAmount(api, bucket.id)).toEqual({ amount: 0, units: 'EUR' });
      expect(await countEvents(app.db.pool, `bucket-${bucket.id}`)).toBe(3);
    });

    it('applies 16 racing retries of one keyed adjustment once', async () => {
      const bucket = await createBucket(api);
      const key = `adjust-${randomUUID()}`;
      const responses = await mapWithConcurrency(Array.from({ length: 16 }), 16, () =>
        api.post('/balanceAdjustment', adjustmentBody(bucket.id, 2), keyed(key)),
      );
      for (const res of responses) expectStatus(res, 201);
      expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
      expect(await bucketAmount(api, bucket.id)).toEqual({ amount: 12, units: 'EUR' });
    });
  });

  describe('when two separate OS processes of the API race on one keyed create', () => {
    const processes: { child: ChildHandle; api: V2Client }[] = [];

    beforeAll(async () => {
      for (const name of ['api-a', 'api-b']) {
        const port = await freePort();
        const child = spawnTsEntry('apps/balance-api/src/main.ts', {
          name,
          env: {
            DATABASE_URL: app.config.databaseUrl,
            PORT: String(port),
            PUBLIC_BASE_URL: app.config.publicBaseUrl,
            KAFKA_BROKERS: app.config.kafkaBrokers.join(','),
          },
        });
        await child.waitForLine(/balance-api listening/, 60_000);
        processes.push({ child, api: v2Client(tmf654V2Base(`http://127.0.0.1:${port}`)) });
      }
    });
    afterAll(async () => {
      await Promise.all(processes.map(({ child }) => child.kill('SIGTERM', 5_000)));
    });

    it('answers every retry with the same bucket, and the stream holds one BucketOpened', async () => {
      const key = `os-race-${randomUUID()}`;
      const responses = await mapWithConcurrency(Array.from({ length: 24 }), 24, (_, i) =>
        processes[i % 2].api.post('/bucket', bucketBody(), keyed(key)),
      );
      for (const res of responses) expectStatus(res, 201);
      const ids = new Set(responses.map((r) => r.body.id));
      expect(ids.size).toBe(1);
      expect(await countEvents(app.db.pool, `bucket-${[...ids][0]}`)).toBe(1);
      expect(processes.every(({ child }) => child.alive)).toBe(true);
    });
  });
});
