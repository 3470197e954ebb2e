import { type BucketEvent, foldBucket, formatAmount, isLive } from '@ledger/domain';
import { startLedgerApp, LedgerApp } from '../support/ledger-app';
import {
  ApiResponse,
  countEvents,
  createBucket,
  expectStatus,
  mapWithConcurrency,
  v2Client,
  V2Client,
} from './v2-client';

jest.setTimeout(120_000);

const IN_FLIGHT = 32;
const eur = (amount: number) => ({ amount, units: 'EUR' });

describe('charging over HTTP under concurrency', () => {
  let app: LedgerApp;
  let setup: V2Client;
  let ocs: V2Client;

  beforeAll(async () => {
    app = await startLedgerApp();
    setup = v2Client(app.v2, { roles: ['admin', 'operator'], clientId: 'setup' });
    ocs = v2Client(app.v2, { roles: ['charging'], subject: 'ocs-1', clientId: 'ocs' });
  });
  afterAll(async () => {
    await app?.close();
  });

  const newBucket = async (amount: number) => (await createBucket(setup, { amount: eur(amount) })).id as string;
  const reserve = (bucketId: string, amount: number, extra: object = {}, headers?: Record<string, string>) =>
    ocs.post('/balanceReserve', { bucket: { id: bucketId }, reservedAmount: eur(amount), ...extra }, { headers });
  const bucket = async (bucketId: string) => {
    const res = await ocs.get(`/bucket/${bucketId}`);
    expectStatus(res, 200);
    return res.body;
  };

  /** The bucket as the domain folds its own stream, the authority the read model must equal. */
  async function folded(bucketId: string) {
    const { rows } = await app.db.pool.query<{ event_type: string; data: object }>(
      'SELECT event_type, data FROM event_store.events WHERE stream_id = $1 ORDER BY revision',
      [`bucket-${bucketId}`],
    );
    const state = foldBucket(rows.map((r) => ({ type: r.event_type, data: r.data }) as BucketEvent));
    if (!isLive(state)) throw new Error(`bucket ${bucketId} is not live`);
    return { amount: formatAmount(state.amount), reservedAmount: formatAmount(state.reservedAmount) };
  }

  describe('when 200 reserves of 1 race on a bucket with 100 available', () => {
    let bucketId: string;
    let responses: ApiResponse[];

    beforeAll(async () => {
      bucketId = await newBucket(100);
      responses = await mapWithConcurrency(Array.from({ length: 200 }), IN_FLIGHT, () => reserve(bucketId, 1));
    });

    it('accepts exactly 100 and refuses 100 with a TMF 422 BUCKET.INSUFFICIENT_BALANCE', () => {
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(100);
      const refused = responses.filter((r) => r.status !== 201);
      expect(refused).toHaveLength(100);
      for (const r of refused) {
        expect(r.status).toBe(422);
        expect(r.body).toMatchObject({ code: 'BUCKET.INSUFFICIENT_BALANCE', status: '422' });
        expect(r.body.message).toContain('available to reserve');
      }
      expect(new Set(responses.filter((r) => r.status === 201).map((r) => r.body.id)).size).toBe(100);
    });

    it('holds 100 reserved, appended only the 100 accepted, and leaves the amount', async () => {
      expect(await bucket(bucketId)).toMatchObject({ amount: eur(100), reservedAmount: eur(100) });
      expect(await countEvents(app.db.pool, `bucket-${bucketId}`)).toBe(101);
    });
  });

  describe('when 100 deducts race against 100 reservations of 2 on one bucket of 500', () => {
    let bucketId: string;

    beforeAll(async () => {
      bucketId = await newBucket(500);
      const ids = Array.from({ length: 100 }, (_, i) => `r-${i}`);
      for (const r of await mapWithConcurrency(ids, IN_FLIGHT, (id) => reserve(bucketId, 2, { id }))) {
        expectStatus(r, 201);
      }
      const deducts = await mapWithConcurrency(ids, IN_FLIGHT, (id, i) =>
        ocs.post('/balanceDeduct', {
          bucket: { id: bucketId },
          balanceReserve: { id },
          amount: eur(1.5),
          final: i % 2 === 0,
        }),
      );
      for (const r of deducts) expectStatus(r, 201);
    });

    it('ends at 500 − 150 with the finals released and the interims still holding 0.5 each', async () => {
      expect(await bucket(bucketId)).toMatchObject({ amount: eur(350), reservedAmount: eur(25) });
      expect(await folded(bucketId)).toEqual({ amount: '350', reservedAmount: '25' });
    });

    it('shows each reservation from the stream: finals closed, interims held', async () => {
      const res = await ocs.get(`/bucket/${bucketId}/reservation`);
      expectStatus(res, 200);
      expect(res.body).toHaveLength(100);
      const closed = res.body.filter((r: { status: string }) => r.status === 'closed');
      expect(closed).toHaveLength(50);
      const held = await ocs.get(`/bucket/${bucketId}/reservation/r-1`);
      expect(held.body).toMatchObject({ status: 'held', remainingAmount: eur(0.5), reservedAmount: eur(2) });
    });
  });

  describe('when reserves, deducts and unreserves burst over 50 buckets', () => {
    let bucketIds: string[];
    let burst: ApiResponse[];

    beforeAll(async () => {
      bucketIds = await mapWithConcurrency(Array.from({ length: 50 }), 8, () => newBucket(20));
      const reserves = Array.from({ length: 200 }, (_, i) => ({ bucketId: bucketIds[i % 50], id: `burst-${i}` }));
      const reserved = await mapWithConcurrency(reserves, IN_FLIGHT, (r) => reserve(r.bucketId, 3, { id: r.id }));
      const accepted = reserves.filter((_, i) => reserved[i].status === 201);
      burst = await mapWithConcurrency(accepted, IN_FLIGHT, (r, i) => {
        const ref = { bucket: { id: r.bucketId }, balanceReserve: { id: r.id } };
        if (i % 3 === 0) return ocs.post('/balanceUnreserve', { ...ref, amount: eur(1) });
        if (i % 3 === 1) return ocs.post('/balanceDeduct', { ...ref, amount: eur(2), final: true });
        return ocs.post('/balanceDeduct', { bucket: { id: r.bucketId }, amount: eur(1) });
      });
    });

    it('answers every charge with 201, or a TMF 422 when the bucket ran short', () => {
      expect(burst.length).toBeGreaterThan(0);
      for (const r of burst) {
        if (r.status !== 201)
          expect({ status: r.status, code: r.body.code }).toEqual({ status: 422, code: expect.any(String) });
      }
    });

    it("ends with every bucket's read model equal to the domain fold of its stream", async () => {
      for (const bucketId of bucketIds) {
        const [view, fold] = [await bucket(bucketId), await folded(bucketId)];
        expect({ amount: String(view.amount.amount), reservedAmount: String(view.reservedAmount.amount) }).toEqual(
          fold,
        );
      }
    });
  });

  describe('keyed retries', () => {
    it('apply a reserve once and answer every retry with the same reservation', async () => {
      const bucketId = await newBucket(10);
      const headers = { 'idempotency-key': 'reserve-once' };
      const answers = await Promise.all(Array.from({ length: 5 }, () => reserve(bucketId, 4, {}, headers)));
      for (const r of answers) expectStatus(r, 201);
      expect(new Set(answers.map((r) => r.body.id)).size).toBe(1);
      expect(await bucket(bucketId)).toMatchObject({ reservedAmount: eur(4) });
      expect(await countEvents(app.db.pool, `bucket-${bucketId}`)).toBe(2);
    });

    it('apply a deduct once', async () => {
      const bucketId = await newBucket(10);
      const body = { bucket: { id: bucketId }, amount: eur(3) };
      const headers = { 'idempotency-key': 'deduct-once' };
      const answers = await Promise.all(Array.from({ length: 5 }, () => ocs.post('/balanceDeduct', body, { headers })));
      for (const r of answers) expectStatus(r, 201);
      expect(new Set(answers.map((r) => r.body.id)).size).toBe(1);
      expect(await bucket(bucketId)).toMatchObject({ amount: eur(7) });
    });
  });

  describe('authorization', () => {
    it.each(['/balanceReserve', '/balanceUnreserve', '/balanceDeduct'])(
      'refuses an operator token on POST %s with 403',
      async (path) => {
        const bucketId = await newBucket(10);
        const operator = v2Client(app.v2, { roles: ['operator'], clientId: 'backoffice' });
        const res = await operator.post(path, { bucket: { id: bucketId }, reservedAmount: eur(1), amount: eur(1) });
        expect(res.status).toBe(403);
        expect(await countEvents(app.db.pool, `bucket-${bucketId}`)).toBe(1);
      },
    );
  });
});
