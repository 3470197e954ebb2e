import { startLedgerApp, LedgerApp } from '../support/ledger-app';
import { authHeader } from '../support/test-auth';
import {
  adjustmentBody,
  bucketAmount,
  bucketBody,
  countEvents,
  createBucket,
  expectStatus,
  Json,
  topupBody,
  v2Client,
  V2Client,
} from './v2-client';

jest.setTimeout(60_000);

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
// R17 answers a status PUT with 204; answering with the updated topup (200) serves clients as well.
const STATUS_PUT_OK = [200, 204];

describe('TMF654 v2 endpoints (happy paths through HTTP)', () => {
  let app: LedgerApp;
  let api: V2Client;

  beforeAll(async () => {
    app = await startLedgerApp();
    api = v2Client(app.v2);
  });
  afterAll(async () => {
    await app?.close();
  });

  const ids = (items: Json[]): string[] => items.map((item) => item.id).sort();
  const putStatus = (topupId: string, status: string) => api.put(`/balanceTopup/${topupId}/status`, { status });

  describe('bucket', () => {
    it('creates a bucket: 201, Location is the absolute href, and the href GETs the same object', async () => {
      const body = bucketBody({
        description: 'Prepaid main balance',
        realizingResource: [{ id: 'res-1', value: '+34600111222' }],
        creditLimit: { amount: 0, units: 'EUR' },
      });
      const res = await api.post('/bucket', body);

      expect(res.status).toBe(201);
      const bucket = res.body;
      expect(typeof bucket.id).toBe('string');
      expect(bucket.href).toBe(`${app.v2}/bucket/${bucket.id}`);
      expect(res.headers.get('location')).toBe(bucket.href);
      expect(bucket).toMatchObject({
        type: 'monetary',
        name: 'Main',
        description: 'Prepaid main balance',
        product: [{ id: 'prod-1' }],
        realizingResource: [{ id: 'res-1', value: '+34600111222' }],
        relatedParty: [{ id: 'cust-1', role: 'customer', name: 'Ann' }],
        partyAccount: { id: 'acc-1' },
        amount: { amount: 10, units: 'EUR' },
        creditLimit: { amount: 0, units: 'EUR' },
        status: 'active',
        validFor: { startDateTime: '2025-01-01T00:00:00Z', endDateTime: '2099-01-01T00:00:00Z' },
      });
      // A JSON number on the wire, not a string that happens to parse.
      expect(res.text).toMatch(/"amount":\{[^{}]*"amount":10[,}]/);

      const fetched = await fetch(bucket.href, { headers: await authHeader() });
      expect(fetched.status).toBe(200);
      expect(await fetched.json()).toEqual(bucket);
    });

    it('lists a bucket right after its 201 (read-your-writes) and finds it by id', async () => {
      const bucket = await createBucket(api);
      const list = await api.get(`/bucket?id=${bucket.id}`);
      expect(list.status).toBe(200);
      expect(list.body).toEqual([bucket]);
      expect(list.headers.get('x-total-count')).toBe('1');
      expect(list.headers.get('x-result-count')).toBe('1');
      expect((await api.get(`/bucket/${bucket.id}`)).body).toEqual(bucket);
    });

    it('answers GET /bucket/{id} of an unknown id with a TMF 404', async () => {
      const res = await api.get('/bucket/does-not-exist');
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ status: '404' });
      expect(typeof res.body.code).toBe('string');
      expect(typeof res.body.reason).toBe('string');
      expect(typeof res.body.message).toBe('string');
    });

    it('GET /product/{productId}/bucket lists exactly the buckets sharing that product', async () => {
      const shared = await createBucket(api, { product: [{ id: 'prod-shared' }, { id: 'prod-only-a' }] });
      const other = await createBucket(api, { product: [{ id: 'prod-shared' }] });
      await createBucket(api, { product: [{ id: 'prod-unrelated' }] });

      const both = await api.get('/product/prod-shared/bucket');
      expect(both.status).toBe(200);
      expect(ids(both.body)).toEqual([shared.id, other.id].sort());
      const one = await api.get('/product/prod-only-a/bucket');
      expect(one.status).toBe(200);
      expect(ids(one.body)).toEqual([shared.id]);
      expect(one.body[0]).toEqual(shared);
    });
  });

  describe('when a bucket of 10 EUR is topped up by 5 and adjusted by −3', () => {
    let bucket: Json;
    let topup: Json;
    let adjustment: Json;
    let topupLocation: string | null;
    let adjustmentLocation: string | null;

    beforeAll(async () => {
      bucket = await createBucket(api, { product: [{ id: 'prod-ledger' }] });
      const t = await api.post('/balanceTopup', topupBody(bucket.id, 5));
      expectStatus(t, 201);
      topup = t.body;
      topupLocation = t.headers.get('location');
      const a = await api.post('/balanceAdjustment', adjustmentBody(bucket.id, -3));
      expectStatus(a, 201);
      adjustment = a.body;
      adjustmentLocation = a.headers.get('location');
    });

    it('holds exactly 12 EUR (10 + 5 − 3), as a JSON number', async () => {
      const res = await api.get(`/bucket/${bucket.id}`);
      expect(res.body.amount).toEqual({ amount: 12, units: 'EUR' });
      expect(res.text).toMatch(/"amount":\{[^{}]*"amount":12[,}]/);
    });

    it('confirms a topup at once: status confirmed with a confirmationDate', () => {
      expect(topup).toMatchObject({
        type: 'voucher',
        channel: { id: 'web' },
        amount: { amount: 5, units: 'EUR' },
        bucket: { id: bucket.id },
        status: 'confirmed',
      });
      expect(topup.confirmationDate).toMatch(RFC3339);
      expect(topup.href).toBe(`${app.v2}/balanceTopup/${topup.id}`);
      expect(topupLocation).toBe(topup.href);
    });

    it('GET /balanceTopup/{id} and its href return the created topup; /status returns its status', async () => {
      const byId = await api.get(`/balanceTopup/${topup.id}`);
      expect([byId.status, byId.body]).toEqual([200, topup]);
      const byHref = await fetch(topup.href, { headers: await authHeader() });
      expect(await byHref.json()).toEqual(topup);
      const status = await api.get(`/balanceTopup/${topup.id}/status`);
      expect(status.status).toBe(200);
      expect(status.body.status).toBe('confirmed');
      expect(Object.keys(status.body).every((key) => ['status', 'statusChangeDate'].includes(key))).toBe(true);
    });

    it('records the adjustment with its signed amount; GET by id and href return it', async () => {
      expect(adjustment).toMatchObject({
        type: 'correction',
        reason: 'goodwill',
        amount: { amount: -3, units: 'EUR' },
        bucket: { id: bucket.id },
      });
      expect(adjustment.href).toBe(`${app.v2}/balanceAdjustment/${adjustment.id}`);
      expect(adjustmentLocation).toBe(adjustment.href);
      const byId = await api.get(`/balanceAdjustment/${adjustment.id}`);
      expect([byId.status, byId.body]).toEqual([200, adjustment]);
      expect(await (await fetch(adjustment.href, { headers: await authHeader() })).json()).toEqual(adjustment);
    });

    it('lists the topup and the adjustment, filtered by bucket.id', async () => {
      const topups = await api.get(`/balanceTopup?bucket.id=${bucket.id}`);
      expect([topups.status, topups.body]).toEqual([200, [topup]]);
      expect(topups.headers.get('x-total-count')).toBe('1');
      const adjustments = await api.get(`/balanceAdjustment?bucket.id=${bucket.id}`);
      expect([adjustments.status, adjustments.body]).toEqual([200, [adjustment]]);
      const all = await api.get('/balanceTopup');
      expect(all.status).toBe(200);
      expect(ids(all.body)).toContain(topup.id);
      expect((await api.get('/balanceAdjustment')).body.map((a: Json) => a.id)).toContain(adjustment.id);
    });

    it("GET /balanceActivity?bucketBalance.id= lists the bucket's activity newest first", async () => {
      const res = await api.get(`/balanceActivity?bucketBalance.id=${bucket.id}`);
      expect(res.status).toBe(200);
      const activity: Json[] = res.body;
      expect(activity.length).toBeGreaterThanOrEqual(3);
      expect(activity.every((a) => a.bucketBalance?.id === bucket.id)).toBe(true);
      const dates = activity.map((a) => Date.parse(a.date));
      expect(dates.every((date, i) => i === 0 || date <= dates[i - 1])).toBe(true);
      expect(activity[0]).toMatchObject({ action: { id: adjustment.id }, amount: { amount: -3, units: 'EUR' } });
      expect(activity.some((a) => a.action?.id === topup.id && a.amount?.amount === 5)).toBe(true);
      expect(activity.filter((a) => a.action?.id === adjustment.id)).toHaveLength(1);
      expect(res.headers.get('x-total-count')).toBe(String(activity.length));

      const byProduct = await api.get('/balanceActivity?product.id=prod-ledger');
      expect(byProduct.status).toBe(200);
      expect(byProduct.body).toEqual(activity);
      const everything = await api.get('/balanceActivity');
      expect(everything.status).toBe(200);
      expect(everything.body.length).toBeGreaterThan(activity.length);
    });
  });

  it('keeps decimal amounts exact: 0 + 0.1 + 0.2 is 0.3, and a credit adjustment adds', async () => {
    const bucket = await createBucket(api, { amount: { amount: 0, units: 'EUR' } });
    expect((await api.post('/balanceTopup', topupBody(bucket.id, 0.1))).status).toBe(201);
    expect((await api.post('/balanceTopup', topupBody(bucket.id, 0.2))).status).toBe(201);
    expect(await bucketAmount(api, bucket.id)).toEqual({ amount: 0.3, units: 'EUR' });
    expect((await api.post('/balanceAdjustment', adjustmentBody(bucket.id, 2.55))).status).toBe(201);
    expect(await bucketAmount(api, bucket.id)).toEqual({ amount: 2.85, units: 'EUR' });
  });

  it('tops up a bucket found by product (and type) instead of bucket.id', async () => {
    const bucket = await createBucket(api, { product: [{ id: 'prod-by-product' }] });
    const res = await api.post(
      '/balanceTopup',
      topupBody(bucket.id, 4, { type: 'monetary', bucket: undefined, product: { id: 'prod-by-product' } }),
    );
    expectStatus(res, 201);
    expect(res.body).toMatchObject({
      status: 'confirmed',
      amount: { amount: 4, units: 'EUR' },
      bucket: { id: bucket.id },
    });
    expect(await bucketAmount(api, bucket.id)).toEqual({ amount: 14, units: 'EUR' });
  });

  describe('topup lifecycle: in progress → confirmed → cancelled', () => {
    let bucket: Json;
    let topupId: string;

    beforeAll(async () => {
      bucket = await createBucket(api, { amount: { amount: 20, units: 'EUR' } });
    });

    it('records an in-progress topup without crediting it', async () => {
      const res = await api.post('/balanceTopup', topupBody(bucket.id, 7, { status: 'in progress' }));
      expectStatus(res, 201);
      expect(res.body).toMatchObject({ status: 'in progress', amount: { amount: 7, units: 'EUR' } });
      expect(res.body.confirmationDate).toBeUndefined();
      topupId = res.body.id;
      expect(await bucketAmount(api, bucket.id)).toEqual({ amount: 20, units: 'EUR' });
      expect((await api.get(`/balanceTopup/${topupId}/status`)).body.status).toBe('in progress');
    });

    it('credits it when confirmed', async () => {
      const res = await putStatus(topupId, 'confirmed');
      expectStatus(res, ...STATUS_PUT_OK);
      expect(await bucketAmount(api, bucket.id)).toEqual({ amount: 27, units: 'EUR' });
      const topup = await api.get(`/balanceTopup/${topupId}`);
      expect(topup.body.status).toBe('confirmed');
      expect(topup.body.confirmationDate).toMatch(RFC3339);
      expect((await api.get(`/balanceTopup/${topupId}/status`)).body.status).toBe('confirmed');
    });

    it('reverses the credit when cancelled', async () => {
      const res = await putStatus(topupId, 'cancelled');
      expectStatus(res, ...STATUS_PUT_OK);
      expect(await bucketAmount(api, bucket.id)).toEqual({ amount: 20, units: 'EUR' });
      const status = await api.get(`/balanceTopup/${topupId}/status`);
      expect(status.body.status).toBe('cancelled');
      expect(status.body.statusChangeDate).toMatch(RFC3339);
    });

    it('credits back only once when cancelled twice (the second cancel appends nothing)', async () => {
      const before = await countEvents(app.db.pool, `bucket-${bucket.id}`);
      const res = await putStatus(topupId, 'cancelled');
      expectStatus(res, ...STATUS_PUT_OK);
      expect(await bucketAmount(api, bucket.id)).toEqual({ amount: 20, units: 'EUR' });
      expect(await countEvents(app.db.pool, `bucket-${bucket.id}`)).toBe(before);
    });

    it('cancels an in-progress topup without moving money', async () => {
      const res = await api.post('/balanceTopup', topupBody(bucket.id, 9, { status: 'in progress' }));
      expectStatus(res, 201);
      const cancel = await putStatus(res.body.id, 'cancelled');
      expectStatus(cancel, ...STATUS_PUT_OK);
      expect(await bucketAmount(api, bucket.id)).toEqual({ amount: 20, units: 'EUR' });
      expect((await api.get(`/balanceTopup/${res.body.id}/status`)).body.status).toBe('cancelled');
    });
  });

  describe('list conventions', () => {
    let monetaryA: Json;
    let monetaryB: Json;
    let data: Json;

    beforeAll(async () => {
      const common = {
        relatedParty: [{ id: 'cust-list', role: 'customer' }],
        partyAccount: { id: 'acc-list' },
        product: [{ id: 'prod-list' }],
      };
      monetaryA = await createBucket(api, common);
      monetaryB = await createBucket(api, { ...common, amount: { amount: 3.5, units: 'EUR' } });
      data = await createBucket(api, { ...common, type: 'data', amount: { amount: 500, units: 'MB' } });
    });

    const all = () => [monetaryA.id, monetaryB.id, data.id].sort();

    it.each([
      ['relatedParty.id=cust-list', () => all()],
      ['partyAccount.id=acc-list', () => all()],
      ['product.id=prod-list', () => all()],
      ['relatedParty.id=cust-list&status=active', () => all()],
      ['relatedParty.id=cust-list&type=data', () => [data.id]],
      ['partyAccount.id=acc-list&type=monetary', () => [monetaryA.id, monetaryB.id].sort()],
      ['relatedParty.id=nobody', () => []],
    ])('filters GET /bucket?%s with exact counts', async (query, expected) => {
      const res = await api.get(`/bucket?${query}`);
      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual(expected());
      expect(res.headers.get('x-total-count')).toBe(String(expected().length));
      expect(res.headers.get('x-result-count')).toBe(String(expected().length));
    });

    it('keeps only the requested fields plus id and href', async () => {
      const res = await api.get('/bucket?partyAccount.id=acc-list&fields=amount,status');
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(3);
      for (const item of res.body as Json[]) {
        expect(Object.keys(item).sort()).toEqual(['amount', 'href', 'id', 'status']);
        expect(item.href).toBe(`${app.v2}/bucket/${item.id}`);
      }
      const b = (res.body as Json[]).find((item) => item.id === monetaryB.id);
      expect(b).toEqual({
        id: monetaryB.id,
        href: monetaryB.href,
        amount: { amount: 3.5, units: 'EUR' },
        status: 'active',
      });
    });

    it('pages with offset and limit: X-Total-Count counts every match, X-Result-Count the page', async () => {
      const first = await api.get('/bucket?product.id=prod-list&offset=0&limit=2');
      expect(first.status).toBe(200);
      expect(first.body).toHaveLength(2);
      expect([first.headers.get('x-total-count'), first.headers.get('x-result-count')]).toEqual(['3', '2']);
      const second = await api.get('/bucket?product.id=prod-list&offset=2&limit=2');
      expect(second.body).toHaveLength(1);
      expect([second.headers.get('x-total-count'), second.headers.get('x-result-count')]).toEqual(['3', '1']);
      expect(ids([...first.body, ...second.body])).toEqual(all());
      const beyond = await api.get('/bucket?product.id=prod-list&offset=5&limit=2');
      expect([beyond.status, beyond.body]).toEqual([200, []]);
      expect([beyond.headers.get('x-total-count'), beyond.headers.get('x-result-count')]).toEqual(['3', '0']);
    });

    it('filters, projects and pages topups and adjustments too', async () => {
      const confirmed = await api.post('/balanceTopup', topupBody(monetaryA.id, 1));
      const pending = await api.post('/balanceTopup', topupBody(monetaryA.id, 2, { status: 'in progress' }));
      expect([confirmed.status, pending.status]).toEqual([201, 201]);
      const inProgress = await api.get(`/balanceTopup?bucket.id=${monetaryA.id}&status=in%20progress&fields=status`);
      expect(inProgress.status).toBe(200);
      expect(inProgress.body).toEqual([{ id: pending.body.id, href: pending.body.href, status: 'in progress' }]);
      const paged = await api.get(`/balanceTopup?bucket.id=${monetaryA.id}&limit=1`);
      expect(paged.body).toHaveLength(1);
      expect([paged.headers.get('x-total-count'), paged.headers.get('x-result-count')]).toEqual(['2', '1']);

      const adjusted = await api.post('/balanceAdjustment', adjustmentBody(monetaryB.id, 1, { type: 'bonus' }));
      expect(adjusted.status).toBe(201);
      const byType = await api.get(`/balanceAdjustment?bucket.id=${monetaryB.id}&type=bonus&fields=amount`);
      expect(byType.body).toEqual([
        { id: adjusted.body.id, href: adjusted.body.href, amount: { amount: 1, units: 'EUR' } },
      ]);
    });
  });

  describe('unknown ids', () => {
    it.each([
      '/bucket/no-such-bucket',
      '/balanceTopup/no-such-topup',
      '/balanceTopup/no-such-topup/status',
      '/balanceAdjustment/no-such-adjustment',
    ])('GET %s answers 404 with a TMF error body', async (path) => {
      const res = await api.get(path);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ status: '404', code: expect.any(String), reason: expect.any(String) });
    });
  });
});
