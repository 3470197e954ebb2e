import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase, waitFor } from '@ledger/testing';
import { KafkajsPublisher, type MessagePublisher, type OutgoingMessage, createKafka } from '@ledger/kafka-publisher';
import { OutboxRelay } from './outbox-relay';
import type { OutboxRow } from './outbox-row';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/** One outbox row per value, standing for one message on `topic` (the projection's format is tested with the projection). */
async function insertOutbox(db: TestDatabase, values: string[]): Promise<void> {
  for (const [version, value] of values.entries()) {
    await db.pool.query(
      `INSERT INTO outbox (bucket_id, event_id, event_type, version, correlation_id, state, event)
       VALUES ('bucket-1', $1, 'BalanceAdjusted', $2, 'c', NULL, $3)`,
      [randomUUID(), version, value],
    );
  }
}

const oneMessage = (topic: string) => (row: OutboxRow) => [
  { topic, key: String(row.bucket_id), value: String(row.event), headers: { version: String(row.version) } },
];

const backlog = async (db: TestDatabase) => Number((await db.pool.query('SELECT count(*) AS n FROM outbox')).rows[0].n);

describe('the outbox relay', () => {
  let db: TestDatabase;
  let client: Client;
  beforeEach(async () => {
    db = await createTestDatabase();
    client = new Client({ connectionString: db.url });
    await client.connect();
  });
  afterEach(async () => {
    await client.end().catch(() => undefined);
    await db.drop();
  });

  it('publishes rows to the real broker in id order and deletes them once acknowledged', async () => {
    const kafka = createKafka({ brokers, clientId: 'relay-int-spec' });
    const topic = `it.relay.${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    const values = Array.from({ length: 50 }, (_, i) => String(i));
    await insertOutbox(db, values);

    const relay = new OutboxRelay({
      client,
      publisher: new KafkajsPublisher(kafka),
      messages: oneMessage(topic),
      batchSize: 7,
      idleMs: 20,
    });
    relay.start();
    const received: string[] = [];
    const consumer = kafka.consumer({ groupId: `relay-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push(String(message.value));
      },
    });
    try {
      await waitFor('all 50 messages', () => (received.length >= 50 ? received : undefined), 30_000);
      expect(received).toEqual(values);
      await waitFor('an empty outbox', async () => ((await backlog(db)) === 0 ? true : undefined));
    } finally {
      await relay.stop();
      await consumer.disconnect();
      await admin.deleteTopics({ topics: [topic] });
      await admin.disconnect();
    }
  });

  it('keeps every row while publishing fails, then publishes them in order', async () => {
    let failuresLeft = 3;
    const published: OutgoingMessage[] = [];
    const flaky: MessagePublisher = {
      async publish(messages) {
        if (failuresLeft-- > 0) throw new Error('broker unavailable');
        published.push(...messages);
      },
      async close() {},
    };
    await insertOutbox(db, ['a', 'b', 'c']);
    const relay = new OutboxRelay({
      client,
      publisher: flaky,
      messages: oneMessage('t'),
      idleMs: 10,
      maxBackoffMs: 50,
    });
    relay.start();
    await waitFor('the rows after three failures', () => (published.length >= 3 ? published : undefined));
    await relay.stop();
    expect(published.map((m) => m.value)).toEqual(['a', 'b', 'c']);
    expect(await backlog(db)).toBe(0);
  });

  it('stops and reports when its lock connection is terminated', async () => {
    let lost = false;
    const relay = new OutboxRelay({
      client,
      publisher: { publish: async () => {}, close: async () => {} },
      messages: oneMessage('t'),
      idleMs: 10,
      onConnectionLost: () => {
        lost = true;
      },
    });
    client.on('error', () => undefined);
    relay.start();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await db.pool.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    await waitFor('the relay to report the lost connection', () => (lost ? true : undefined));
    await relay.stop();
  });
});
