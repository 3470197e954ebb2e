import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { EventStoreDbEventStore, verifyStream } from '@ledger/event-store';
import { createKafka } from '@ledger/kafka-publisher';
import { waitFor } from '@ledger/testing';
import { EsdbTestServer } from '../support/esdb-test-server';
import { LedgerApp, startLedgerApp } from '../support/ledger-app';

jest.setTimeout(60_000);

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

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
    app = await startLedgerApp({ env: { EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: server.connectionString } });
  });

  afterAll(async () => {
    await app?.close();
    await server?.stop();
  });

  it('stores the events in EventStoreDB, shows the exact amount at once, and publishes versions 0..n to the state topic', async () => {
    const created = await post(`${app.v2}/bucket`, {
      type: 'monetary', product: [{ id: `prod-${randomUUID()}` }], amount: { amount: 10.25, units: 'EUR' },
      validFor: { startDateTime: '2025-01-01T00:00:00Z', endDateTime: '2099-01-01T00:00:00Z' },
    });
    expect(created.status).toBe(201);
    const bucket = (await created.json()) as { id: string };

    const topup = await post(`${app.v2}/balanceTopup`, {
      type: 'voucher', channel: { id: 'web' }, amount: { amount: 5.5, units: 'EUR' }, bucket: { id: bucket.id },
    });
    expect(topup.status).toBe(201);

    // Read-your-writes: the API waited for the projector to pass the EventStoreDB position.
    const read = await fetch(`${app.v2}/bucket/${bucket.id}`);
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

    const kafka = createKafka({ brokers: app.config.kafkaBrokers, clientId: 'esdb-flow-e2e' });
    // A short fetch wait, so disconnect() does not sit out kafkajs's default 5 s long poll.
    const consumer = kafka.consumer({ groupId: `e2e-esdb-${randomUUID()}`, maxWaitTimeInMs: 100 });
    const states: Array<{ version: number; amount: { amount: number } }> = [];
    await consumer.connect();
    await consumer.subscribe({ topic: app.config.topics.bucketState, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => {
      if (String(message.key) === bucket.id) states.push(JSON.parse(String(message.value)));
    } });
    try {
      await waitFor('the three states of the bucket on Kafka', () => (states.length >= 3 ? states : undefined), 30_000);
      // One state per event: opened (0), topup requested (1), credited (2).
      expect(states.map((s) => s.version)).toEqual([0, 1, 2]);
      expect(states[states.length - 1].amount.amount).toBe(15.75);
    } finally {
      await consumer.disconnect();
    }
  });
});
