import { randomUUID } from 'node:crypto';
import { startLedgerApp, LedgerApp } from '../support/ledger-app';
import {
  adjustmentBody,
  bucketAmount,
  bucketBody,
  createBucket,
  expectStatus,
  topupBody,
  v2Client,
  type V2Client,
} from './v2-client';

jest.setTimeout(120_000);

interface StoredEvent {
  event_type: string;
  metadata: { actor?: unknown; commandId?: string };
}

/** Who acted, as the event store recorded it: the subject, client and roles of each command's token. */
describe('the caller of every command', () => {
  let app: LedgerApp;
  const events = async (stream: string): Promise<StoredEvent[]> =>
    (
      await app.db.pool.query<StoredEvent>(
        'SELECT event_type, metadata FROM event_store.events WHERE stream_id = $1 ORDER BY revision',
        [stream],
      )
    ).rows;

  beforeAll(async () => {
    app = await startLedgerApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("is in each command's events, and the activity names it as requestor", async () => {
    const admin = v2Client(app.v2, { roles: ['admin'], subject: 'ada', clientId: 'back-office' });
    const operator = v2Client(app.v2, { roles: ['operator', 'auditor'], subject: 'otto', clientId: 'pos-7' });
    const bucket = await createBucket(admin);
    expectStatus(await operator.post('/balanceTopup', topupBody(bucket.id, 5, { status: 'in progress' })), 201);
    const pending = (await operator.get(`/balanceTopup?bucket.id=${bucket.id}`)).body[0];
    expectStatus(await operator.put(`/balanceTopup/${pending.id}/status`, { status: 'confirmed' }), 200);
    expectStatus(await operator.post('/balanceAdjustment', adjustmentBody(bucket.id, -2)), 201);

    const ada = { subject: 'ada', clientId: 'back-office', roles: ['admin'] };
    const otto = { subject: 'otto', clientId: 'pos-7', roles: ['operator', 'auditor'] };
    expect((await events(`bucket-${bucket.id}`)).map((e) => [e.event_type, e.metadata.actor])).toEqual([
      ['BucketOpened', ada],
      ['TopupRequested', otto],
      ['BalanceToppedUp', otto],
      ['BalanceAdjusted', otto],
    ]);
    const activity = await operator.get(`/balanceActivity?bucketBalance.id=${bucket.id}`);
    expect(activity.body.map((a: { type: string; requestor: unknown }) => [a.type, a.requestor])).toEqual([
      ['adjustment', { id: 'otto', name: 'pos-7', role: 'operator,auditor' }],
      ['topup', { id: 'otto', name: 'pos-7', role: 'operator,auditor' }],
      ['topupRequest', { id: 'otto', name: 'pos-7', role: 'operator,auditor' }],
      ['bucketCreation', { id: 'ada', name: 'back-office', role: 'admin' }],
    ]);
  });

  it('keeps the requestor a request names on its request, and still records the caller in the events', async () => {
    const operator = v2Client(app.v2, { roles: ['operator'], subject: 'otto', clientId: 'pos-7' });
    const bucket = await createBucket(v2Client(app.v2, { roles: ['admin'] }));
    const body = topupBody(bucket.id, 1, { requestor: { id: 'agent-42', role: 'agent' } });
    const topup = await operator.post('/balanceTopup', body);
    expectStatus(topup, 201);
    const activity = await operator.get(`/balanceActivity?bucketBalance.id=${bucket.id}&type=topupRequest`);
    expect(activity.body.map((a: { requestor: unknown }) => a.requestor)).toEqual([{ id: 'agent-42', role: 'agent' }]);
    const [, ...credit] = await events(`bucket-${bucket.id}`);
    for (const event of credit)
      expect(event.metadata.actor).toEqual({ subject: 'otto', clientId: 'pos-7', roles: ['operator'] });
  });
});

/** Idempotency keys are scoped per client: the same key from two clients is two requests. */
describe('two clients with the same Idempotency-Key and the same body', () => {
  let app: LedgerApp;
  let first: V2Client;
  let second: V2Client;

  beforeAll(async () => {
    app = await startLedgerApp();
    first = v2Client(app.v2, { roles: ['operator', 'admin'], subject: 'shared-user', clientId: 'shop-a' });
    second = v2Client(app.v2, { roles: ['operator', 'admin'], subject: 'shared-user', clientId: 'shop-b' });
  });
  afterAll(async () => {
    await app?.close();
  });

  const keyed = (key: string) => ({ headers: { 'idempotency-key': key } });

  it('each get their own topup, and a retry by one answers that one its own', async () => {
    const bucket = await createBucket(first);
    const key = `same-${randomUUID()}`;
    const a = await first.post('/balanceTopup', topupBody(bucket.id, 5), keyed(key));
    const b = await second.post('/balanceTopup', topupBody(bucket.id, 5), keyed(key));
    expectStatus(a, 201);
    expectStatus(b, 201);
    expect(a.body.id).not.toBe(b.body.id);
    expect(await bucketAmount(first, bucket.id)).toEqual({ amount: 20, units: 'EUR' });

    const retryA = await first.post('/balanceTopup', topupBody(bucket.id, 5), keyed(key));
    const retryB = await second.post('/balanceTopup', topupBody(bucket.id, 5), keyed(key));
    expect([retryA.status, retryA.body.id]).toEqual([201, a.body.id]);
    expect([retryB.status, retryB.body.id]).toEqual([201, b.body.id]);
    expect(await bucketAmount(first, bucket.id)).toEqual({ amount: 20, units: 'EUR' });
  });

  it('each get their own bucket', async () => {
    const key = `bucket-${randomUUID()}`;
    const a = await first.post('/bucket', bucketBody(), keyed(key));
    const b = await second.post('/bucket', bucketBody(), keyed(key));
    expectStatus(a, 201);
    expectStatus(b, 201);
    expect(a.body.id).not.toBe(b.body.id);
  });
});
