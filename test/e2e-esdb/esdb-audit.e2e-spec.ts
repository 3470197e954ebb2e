import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { AnchorStore, verifyChain } from '@ledger/audit';
import { EventStoreDbEventStore } from '@ledger/event-store';
import { waitFor } from '@ledger/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EsdbTestServer } from '../support/esdb-test-server';
import { LedgerApp, startLedgerApp } from '../support/ledger-app';
import {
  type Json,
  type V2Client,
  adjustmentBody,
  createBucket,
  expectStatus,
  topupBody,
  v2Client,
} from '../e2e/v2-client';

jest.setTimeout(90_000);

/**
 * The auditors' replay routes and the projector's anchors with EVENT_STORE=eventstoredb: the same
 * answers as on PostgreSQL, through the EventStore port only. The server is the in-process gRPC
 * test double (test/support/esdb-test-server), not EventStoreDB.
 */
describe('auditing on the EventStoreDB adapter', () => {
  let server: EsdbTestServer;
  let app: LedgerApp;
  let api: V2Client;
  /** Every audit request goes through here, with an auditor's token. */
  let audit: V2Client;
  let dir: string;
  const keys = generateKeyPairSync('ed25519');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'esdb-audit-'));
    writeFileSync(join(dir, 'anchor.pem'), keys.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    server = await EsdbTestServer.start();
    app = await startLedgerApp({
      env: {
        EVENT_STORE: 'eventstoredb',
        EVENTSTORE_CONNECTION_STRING: server.connectionString,
        AUDIT_ANCHOR_KEY_FILE: join(dir, 'anchor.pem'),
        KAFKA_TOPIC_AUDIT_ANCHORS: `test.audit-anchors.${randomUUID().slice(0, 8)}`,
        AUDIT_ANCHOR_INTERVAL_MS: '200',
      },
    });
    api = v2Client(app.v2);
    audit = v2Client(`${app.baseUrl}/audit/v1`, { roles: ['auditor'] });
  });

  afterAll(async () => {
    await app?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('replays, pages, streams NDJSON and folds the balance at a revision, and the anchors verify', async () => {
    const bucketId = (await createBucket(api, { product: [{ id: `prod-${randomUUID()}` }] })).id;
    expectStatus(await api.post('/balanceTopup', topupBody(bucketId, 5)), 201);
    expectStatus(await api.post('/balanceAdjustment', adjustmentBody(bucketId, -2.5)), 201);

    const res = await audit.get<Json[]>(`/bucket/${bucketId}/events`);
    expectStatus(res, 200);
    expect(res.body.map((e) => [e.revision, e.type, e.linkVerified])).toEqual([
      ['0', 'BucketOpened', true],
      ['1', 'TopupRequested', true],
      ['2', 'BalanceToppedUp', true],
      ['3', 'BalanceAdjusted', true],
    ]);
    expect(res.body[3].data.amountAfter).toEqual({ amount: '12.5', units: 'EUR' });
    expect(BigInt(res.body[3].position.prepare)).toBeGreaterThan(BigInt(res.body[0].position.prepare));
    const page = await audit.get<Json[]>(`/bucket/${bucketId}/events?fromRevision=2&limit=1`);
    expect(page.body).toEqual([res.body[2]]);
    const ndjson = await audit.get(`/bucket/${bucketId}/events`, { headers: { accept: 'application/x-ndjson' } });
    expect(
      ndjson.text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(res.body);

    const balance = await audit.get(`/bucket/${bucketId}/balance?revision=2`);
    expect(balance.body).toMatchObject({
      amount: { amount: 15, units: 'EUR' },
      revision: '2',
      event: { type: 'BalanceToppedUp' },
    });
    const now = await audit.get(`/bucket/${bucketId}/balance?at=${encodeURIComponent(new Date().toISOString())}`);
    expect(now.body).toMatchObject({ amount: { amount: 12.5, units: 'EUR' }, revision: '3' });
    expect((await audit.get(`/bucket/no-such-${randomUUID()}/events`)).status).toBe(404);

    const anchors = new AnchorStore(app.db.pool);
    await waitFor(
      'the projector to anchor the four events',
      async () => {
        const all = await anchors.all();
        return all.reduce((n, a) => n + a.eventCount, 0) >= 4 ? all : undefined;
      },
      30_000,
    );
    const store = EventStoreDbEventStore.fromConnectionString(server.connectionString);
    try {
      const result = await verifyChain({
        store,
        streams: 'all',
        anchors: { anchors: await anchors.all(), publicKey: keys.publicKey },
      });
      expect(result.findings).toEqual([]);
      expect(result).toMatchObject({ streams: 1, events: 4, unanchoredEvents: 0 });
    } finally {
      await store.close();
    }
  });
});
