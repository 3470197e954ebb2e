import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { EventStoreDbEventStore, verifyStream } from '@ledger/event-store';
import { readBucketStates } from '../support/bucket-states';
import { EsdbTestServer } from '../support/esdb-test-server';
import { LedgerApp, startLedgerApp } from '../support/ledger-app';
import { authHeader } from '../support/test-auth';

jest.setTimeout(60_000);

const post = async (url: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await authHeader()) },
    body: JSON.stringify(body),
  });

/**
 * HTTP command -> EventStoreDB adapter -> projector -> PostgreSQL -> outbox -> Kafka, with the
 * adapter talking gRPC to the in-process EventStoreDB test server (a test double, see
 * test/support/esdb-test-server). PostgreSQL and Kafka are the real local services.
 */
describe('a topup end to end with EVENT_STORE=eventstoredb', () => {
  let server: EsdbTestServer;
  let app: LedgerApp;

  beforeAll(async () => {
    server = await EsdbTestServer.start();
    app = await startLedgerApp({
      env: { EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: server.connectionString },
    });
  });

  afterAll(async () => {
    await app?.close();
    await server?.stop();
  });

  it('stores the events in EventStoreDB, shows the exact amount at once, and publishes versions 0..n to the state topic', async () => {
    const created = await post(`${app.v2}/bucket`, {
      type: 'monetary',
      product: [{ id: `prod-${randomUUID()}` }],
      amount: { amount: 10.25, units: 'EUR' },
      validFor: { startDateTime: '2025-01-01T00:00:00Z', endDateTime: '2099-01-01T00:00:00Z' },
    });
    expect(created.status).toBe(201);
    const bucket = (await created.json()) as { id: string };

    const topup = await post(`${app.v2}/balanceTopup`, {
      type: 'voucher',
      channel: { id: 'web' },
      amount: { amount: 5.5, units: 'EUR' },
      bucket: { id: bucket.id },
    });
    expect(topup.status).toBe(201);

    // Read-your-writes: the API waited for the projector to pass the EventStoreDB position.
    const read = await fetch(`${app.v2}/bucket/${bucket.id}`, { headers: await authHeader() });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { amount: unknown }).amount).toEqual({ amount: 15.75, units: 'EUR' });

    // The events really are in the (test) EventStoreDB, hash-chained, read with the plain client.
    const client = EventStoreDBClient.connectionString(server.connectionString);
    const stored: Array<{ type: string; revision: bigint }> = [];
    try {
      for await (const resolved of client.readStream(`bucket-${bucket.id}`)) {
        if (resolved.event) stored.push({ type: resolved.event.type, revision: resolved.event.revision });
      }
    } finally {
      await client.dispose();
    }
    expect(stored).toEqual([
      { type: 'BucketOpened', revision: 0n },
      { type: 'TopupRequested', revision: 1n },
      { type: 'BalanceToppedUp', revision: 2n },
    ]);
    const auditor = EventStoreDbEventStore.fromConnectionString(server.connectionString);
    try {
      const history = await auditor.readStream(`bucket-${bucket.id}`);
      expect(history.found && verifyStream(history.events)).toEqual({ ok: true, count: 3 });
    } finally {
      await auditor.close();
    }

    const states = await readBucketStates(app.config.kafkaBrokers, app.config.topics.bucketState, bucket.id, 3);
    // One state per event: opened (0), topup requested (1), credited (2).
    expect(states.map((s) => s.version)).toEqual([0, 1, 2]);
    expect(states[2].amount.amount).toBe(15.75);
  });
});
