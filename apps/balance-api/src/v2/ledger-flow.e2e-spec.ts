import { randomUUID } from 'node:crypto';
import { readBucketStates } from '../../../../test/support/bucket-states';
import { LedgerApp, startLedgerApp } from '../../../../test/support/ledger-app';
import { authHeader } from '../../../../test/support/test-auth';

jest.setTimeout(60_000);

const post = async (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await authHeader()), ...headers },
    body: JSON.stringify(body),
  });
const get = async (url: string) => fetch(url, { headers: await authHeader({ roles: ['auditor'] }) });

describe('a topup through HTTP, end to end', () => {
  let app: LedgerApp;
  beforeAll(async () => {
    app = await startLedgerApp();
  });
  afterAll(() => app.close());

  it('credits the bucket, is readable at once, and reaches the state topic with its version', async () => {
    const created = await post(`${app.v2}/bucket`, {
      type: 'monetary',
      product: [{ id: `prod-${randomUUID()}` }],
      amount: { amount: 10.25, units: 'EUR' },
      validFor: { startDateTime: '2025-01-01T00:00:00Z', endDateTime: '2099-01-01T00:00:00Z' },
    });
    expect(created.status).toBe(201);
    const bucket = (await created.json()) as { id: string; href: string };
    expect(created.headers.get('location')).toBe(bucket.href);

    const topup = await post(`${app.v2}/balanceTopup`, {
      type: 'voucher',
      channel: { id: 'web' },
      amount: { amount: 5.5, units: 'EUR' },
      bucket: { id: bucket.id },
    });
    expect(topup.status).toBe(201);
    expect(await topup.json()).toMatchObject({ status: 'confirmed', amount: { amount: 5.5, units: 'EUR' } });

    const read = (await (await get(`${app.v2}/bucket/${bucket.id}`)).json()) as { amount: unknown };
    expect(read.amount).toEqual({ amount: 15.75, units: 'EUR' });

    const activity = (await (await get(`${app.v2}/balanceActivity?bucketBalance.id=${bucket.id}`)).json()) as {
      href: string;
      type: string;
    }[];
    expect(activity.map((a) => a.type)).toEqual(['topup', 'topupRequest', 'bucketCreation']);
    const one = await get(activity[0].href);
    expect(one.status).toBe(200);
    expect(await one.json()).toEqual(activity[0]);

    const states = await readBucketStates(app.config.kafkaBrokers, app.config.topics.bucketState, bucket.id, 3);
    // Every state change is published: opened (0), topup requested (1), credited (2).
    expect(states.map((s) => s.version)).toEqual([0, 1, 2]);
    expect(states[2].amount.amount).toBe(15.75);
  });
});
