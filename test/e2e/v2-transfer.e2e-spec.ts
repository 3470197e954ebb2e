import { randomUUID } from 'node:crypto';
import { startLedgerApp, type LedgerApp } from '../support/ledger-app';
import { bucketAmount, countEvents, createBucket, expectStatus, v2Client, type V2Client } from './v2-client';

jest.setTimeout(120_000);

describe('POST /balanceTransfer', () => {
  let app: LedgerApp;
  let api: V2Client;

  beforeAll(async () => {
    app = await startLedgerApp();
    api = v2Client(app.v2);
  });
  afterAll(async () => {
    await app?.close();
  });

  const transfer = (source: string, target: string, extra: object = {}) => ({
    bucket: { id: source },
    receiverBucket: { id: target },
    amount: { amount: 2.5, units: 'EUR' },
    transferCost: { amount: 0.25, units: 'EUR' },
    ...extra,
  });

  it('debits the source by amount + cost, credits the target by amount, and answers completed', async () => {
    const source = await createBucket(api);
    const target = await createBucket(api);
    const res = await api.post('/balanceTransfer', transfer(String(source.id), String(target.id)));
    expectStatus(res, 201);
    expect(res.body.status).toBe('completed');
    expect(res.headers.get('location')).toBe(res.body.href);
    expect(await bucketAmount(api, String(source.id))).toEqual({ amount: 7.25, units: 'EUR' });
    expect(await bucketAmount(api, String(target.id))).toEqual({ amount: 12.5, units: 'EUR' });
    const status = await api.get(`/balanceTransfer/${String(res.body.id)}/status`);
    expectStatus(status, 200);
    expect(status.body.status).toBe('completed');
    const put = await api.put(`/balanceTransfer/${String(res.body.id)}/status`, { status: 'failed' });
    expectStatus(put, 409);
    expect(put.body.code).toBe('TRANSFER.INVALID_TRANSITION');
  });

  it('ends failed with the source refunded when the target is suspended', async () => {
    const source = await createBucket(api);
    const target = await createBucket(api, { status: 'suspended' });
    const res = await api.post('/balanceTransfer', transfer(String(source.id), String(target.id)));
    expectStatus(res, 201);
    expect(res.body.status).toBe('failed');
    expect(res.body.refunded).toBe(true);
    expect(await bucketAmount(api, String(source.id))).toEqual({ amount: 10, units: 'EUR' });
    expect(await bucketAmount(api, String(target.id))).toEqual({ amount: 10, units: 'EUR' });
    const got = await api.get(`/balanceTransfer/${String(res.body.id)}`);
    expectStatus(got, 200);
    expect(got.body.status).toBe('failed');
  });

  it('applies a keyed retry once', async () => {
    const source = await createBucket(api);
    const target = await createBucket(api);
    const key = { headers: { 'idempotency-key': `transfer-${randomUUID()}` } };
    const body = transfer(String(source.id), String(target.id));
    const answers = await Promise.all(Array.from({ length: 5 }, () => api.post('/balanceTransfer', body, key)));
    for (const a of answers) expectStatus(a, 201);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await bucketAmount(api, String(source.id))).toEqual({ amount: 7.25, units: 'EUR' });
    expect(await bucketAmount(api, String(target.id))).toEqual({ amount: 12.5, units: 'EUR' });
    expect(await countEvents(app.db.pool, `transfer-${String(answers[0].body.id)}`)).toBe(3);
  });
});
