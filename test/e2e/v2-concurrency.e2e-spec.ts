import { startLedgerApp, startSecondApi, LedgerApp } from '../support/ledger-app';
import {
  adjustmentBody,
  ApiResponse,
  bucketAmount,
  countEvents,
  createBucket,
  expectStatus,
  mapWithConcurrency,
  topupBody,
  v2Client,
  V2Client,
} from './v2-client';

jest.setTimeout(60_000);

const IN_FLIGHT = 32;

describe('TMF654 v2 under concurrency', () => {
  let app: LedgerApp;
  let api: V2Client;

  beforeAll(async () => {
    app = await startLedgerApp();
    api = v2Client(app.v2);
  });
  afterAll(async () => {
    await app?.close();
  });

  describe('when 200 adjustments (120 × +1, 80 × −1) race on one bucket of 100', () => {
    let bucketId: string;
    let responses: ApiResponse[];

    beforeAll(async () => {
      bucketId = (await createBucket(api, { amount: { amount: 100, units: 'EUR' } })).id;
      // Interleaved so credits and debits contend for the same revisions throughout.
      const amounts = Array.from({ length: 200 }, (_, i) => (i % 5 < 3 ? 1 : -1));
      responses = await mapWithConcurrency(amounts, IN_FLIGHT, (amount) =>
        api.post('/balanceAdjustment', adjustmentBody(bucketId, amount)),
      );
    });

    it('answers every one with 201 and a distinct adjustment id', () => {
      const failures = responses.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.text}`);
      expect(failures).toEqual([]);
      expect(new Set(responses.map((r) => r.body.id)).size).toBe(200);
      expect(responses.filter((r) => r.body.amount.amount === 1)).toHaveLength(120);
      expect(responses.filter((r) => r.body.amount.amount === -1)).toHaveLength(80);
    });

    it('ends at exactly 140 EUR', async () => {
      expect(await bucketAmount(api, bucketId)).toEqual({ amount: 140, units: 'EUR' });
    });

    it('holds 1 + 200 events in the bucket stream, at revisions 0..200', async () => {
      expect(await countEvents(app.db.pool, `bucket-${bucketId}`)).toBe(201);
      const { rows } = await app.db.pool.query<{ first: string; last: string; distinct: string }>(
        'SELECT min(revision) AS first, max(revision) AS last, count(DISTINCT revision) AS distinct FROM event_store.events WHERE stream_id = $1',
        [`bucket-${bucketId}`],
      );
      expect(rows[0]).toEqual({ first: '0', last: '200', distinct: '201' });
    });

    it('lists all 200 adjustments of the bucket', async () => {
      const res = await api.get(`/balanceAdjustment?bucket.id=${bucketId}&limit=1`);
      expect(res.headers.get('x-total-count')).toBe('200');
    });
  });

  describe('Idempotency-Key on POST /balanceTopup', () => {
    let bucketId: string;
    const key = `topup-${Date.now()}`;

    beforeAll(async () => {
      bucketId = (await createBucket(api, { amount: { amount: 50, units: 'EUR' } })).id;
    });

    it('credits once when the same request is retried 5 times, some concurrently, and answers each with the same topup', async () => {
      const stream = `bucket-${bucketId}`;
      const eventsBefore = await countEvents(app.db.pool, stream);
      const send = () => api.post('/balanceTopup', topupBody(bucketId, 7.5), { headers: { 'idempotency-key': key } });

      const first = await send();
      const concurrent = await Promise.all([send(), send(), send()]);
      const last = await send();
      const all = [first, ...concurrent, last];

      for (const res of all) expectStatus(res, 201);
      expect(new Set(all.map((r) => r.body.id)).size).toBe(1);
      for (const res of all) expect(res.body).toEqual(first.body);
      expect(await bucketAmount(api, bucketId)).toEqual({ amount: 57.5, units: 'EUR' });
      // One topup: its request and its credit, appended once.
      expect(await countEvents(app.db.pool, stream)).toBe(eventsBefore + 2);
      const listed = await api.get(`/balanceTopup?bucket.id=${bucketId}`);
      expect(listed.body.map((t: { id: string }) => t.id)).toEqual([first.body.id]);
    });

    it('credits once when the first 5 attempts all race', async () => {
      const raceKey = `${key}-race`;
      const stream = `bucket-${bucketId}`;
      const eventsBefore = await countEvents(app.db.pool, stream);
      const all = await Promise.all(
        Array.from({ length: 5 }, () =>
          api.post('/balanceTopup', topupBody(bucketId, 2.5), { headers: { 'idempotency-key': raceKey } }),
        ),
      );

      for (const res of all) expectStatus(res, 201);
      expect(new Set(all.map((r) => r.body.id)).size).toBe(1);
      expect(await bucketAmount(api, bucketId)).toEqual({ amount: 60, units: 'EUR' });
      expect(await countEvents(app.db.pool, stream)).toBe(eventsBefore + 2);
    });

    it('refuses the same key with a different body with a TMF 409, appending nothing', async () => {
      const eventsBefore = await countEvents(app.db.pool);
      const res = await api.post('/balanceTopup', topupBody(bucketId, 8), { headers: { 'idempotency-key': key } });

      expectStatus(res, 409);
      expect(res.body).toEqual(
        expect.objectContaining({
          code: expect.any(String),
          reason: expect.any(String),
          message: expect.any(String),
          status: '409',
        }),
      );
      expect(await countEvents(app.db.pool)).toBe(eventsBefore);
      expect(await bucketAmount(api, bucketId)).toEqual({ amount: 60, units: 'EUR' });
    });
  });

  describe('two API processes on one database, each remembering the bucket states it decided on', () => {
    let second: { v2: string; close(): Promise<void> };
    let other: V2Client;

    beforeAll(async () => {
      second = await startSecondApi(app);
      other = v2Client(second.v2);
    });
    afterAll(async () => {
      await second?.close();
    });

    it('decides a debit on the balance the other process credited, not on the one it remembers', async () => {
      const bucketId = (await createBucket(api, { amount: { amount: 0, units: 'EUR' } })).id;
      expectStatus(await api.post('/balanceAdjustment', adjustmentBody(bucketId, 1)), 201);
      expectStatus(await other.post('/balanceTopup', topupBody(bucketId, 10)), 201);
      // This process last saw 1 EUR: a debit of 5 is possible only on what the other one wrote.
      const debit = await api.post('/balanceAdjustment', adjustmentBody(bucketId, -5));
      expectStatus(debit, 201);
      expect(await bucketAmount(api, bucketId)).toEqual({ amount: 6, units: 'EUR' });
      const refused = await other.post('/balanceAdjustment', adjustmentBody(bucketId, -7));
      expectStatus(refused, 422);
      expect(refused.body.code).toBe('BUCKET.INSUFFICIENT_BALANCE');
    });

    it('loses no update when both race on one bucket: 100 credits of 1 split between them end at exactly 100 more', async () => {
      const bucketId = (await createBucket(api, { amount: { amount: 5, units: 'EUR' } })).id;
      const responses = await mapWithConcurrency(
        Array.from({ length: 100 }, (_, i) => i),
        16,
        (i) => (i % 2 === 0 ? api : other).post('/balanceAdjustment', adjustmentBody(bucketId, 1)),
      );
      expect(responses.filter((r) => r.status !== 201).map((r) => `${r.status} ${r.text}`)).toEqual([]);
      expect(await bucketAmount(api, bucketId)).toEqual({ amount: 105, units: 'EUR' });
      expect(await bucketAmount(other, bucketId)).toEqual({ amount: 105, units: 'EUR' });
      expect(await countEvents(app.db.pool, `bucket-${bucketId}`)).toBe(101);
    });

    it('credits once when one Idempotency-Key reaches both processes', async () => {
      const bucketId = (await createBucket(api, { amount: { amount: 1, units: 'EUR' } })).id;
      const headers = { 'idempotency-key': `both-${bucketId}` };
      const first = await api.post('/balanceTopup', topupBody(bucketId, 4), { headers });
      const again = await other.post('/balanceTopup', topupBody(bucketId, 4), { headers });
      expectStatus(first, 201);
      expectStatus(again, 201);
      expect(again.body.id).toBe(first.body.id);
      expect(await bucketAmount(other, bucketId)).toEqual({ amount: 5, units: 'EUR' });
    });
  });
});
