import { randomUUID } from 'node:crypto';
import { type Admin, ConfigResourceTypes, type Consumer, type Kafka } from 'kafkajs';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase, waitFor } from '@ledger/testing';
import { KafkajsPublisher, createKafka } from '@ledger/kafka-publisher';
import { OutboxRelay, type OutboxRow, retryParked } from '@ledger/outbox';

/**
 * The relay against the real broker with messages the broker refuses for their size: a topic
 * created with a lowered max.message.bytes (a topic-level setting, so the shared broker will do).
 */
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

jest.setTimeout(90_000);

async function insertRow(db: TestDatabase, bucket: string, version: number, size: number): Promise<void> {
  await db.pool.query(
    `INSERT INTO outbox (bucket_id, event_id, event_type, version, correlation_id, state, event)
     VALUES ($1, $2, 'BalanceAdjusted', $3, 'c', NULL, $4)`,
    [bucket, randomUUID(), version, `${version}:${'x'.repeat(size)}`],
  );
}

const oneMessage = (topic: string) => (row: OutboxRow) => [
  { topic, key: row.bucket_id, value: row.event, headers: { version: String(row.version) } },
];

/** Versions received per key, in arrival order. */
async function consume(kafka: Kafka, topic: string, received: Map<string, number[]>): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId: `oversize-${randomUUID()}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const key = String(message.key);
      received.set(key, [...(received.get(key) ?? []), Number(message.headers?.version?.toString())]);
    },
  });
  return consumer;
}

/**
 * What a consumer that drops versions it has seen gets. A refused batch may have been taken by
 * its other partitions before it failed, so re-deliveries are expected (at-least-once); a first
 * delivery out of order is not, and would show here.
 */
const deduplicated = (versions: number[] | undefined) => [...new Set(versions ?? [])];

const count = async (db: TestDatabase, table: string) =>
  Number((await db.pool.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

describe('the outbox relay and messages the broker refuses', () => {
  let db: TestDatabase;
  let client: Client;
  let kafka: Kafka;
  let admin: Admin;
  let relay: OutboxRelay | undefined;
  let consumer: Consumer | undefined;
  const topics: string[] = [];

  async function topic(configEntries: { name: string; value: string }[], partitions = 1): Promise<string> {
    const name = `it.relay-oversize.${randomUUID()}`;
    await admin.createTopics({
      topics: [{ topic: name, numPartitions: partitions, configEntries }],
      waitForLeaders: true,
    });
    topics.push(name);
    return name;
  }

  function startRelay(name: string, options: { maxBatchBytes?: number } = {}): OutboxRelay {
    relay = new OutboxRelay({
      client,
      publisher: new KafkajsPublisher(kafka),
      messages: oneMessage(name),
      idleMs: 20,
      maxBackoffMs: 200,
      parkAfterAttempts: 3,
      ...options,
    });
    relay.start();
    return relay;
  }

  beforeAll(async () => {
    kafka = createKafka({ brokers, clientId: 'relay-oversize-spec' });
    admin = kafka.admin();
    await admin.connect();
  });
  beforeEach(async () => {
    db = await createTestDatabase();
    client = new Client({ connectionString: db.url });
    client.on('error', () => undefined);
    await client.connect();
  });
  afterEach(async () => {
    await relay?.stop();
    relay = undefined;
    await consumer?.disconnect();
    consumer = undefined;
    await client.end().catch(() => undefined);
    await db.drop();
  });
  afterAll(async () => {
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
  });

  it('bounds each publish call by bytes: 20 rows of 60 KB reach a 1 MB broker in order', async () => {
    // One partition: every row would go into a single record batch of about 1.2 MB.
    const name = await topic([{ name: 'max.message.bytes', value: '1048588' }]);
    for (let v = 0; v < 20; v++) await insertRow(db, 'big-bucket', v, 60_000);
    const received = new Map<string, number[]>();
    consumer = await consume(kafka, name, received);
    startRelay(name, { maxBatchBytes: 512 * 1024 });
    await waitFor(
      'all 20 versions',
      () => ((received.get('big-bucket')?.length ?? 0) >= 20 ? true : undefined),
      60_000,
    );
    expect(received.get('big-bucket')).toEqual(Array.from({ length: 20 }, (_, v) => v));
    expect(relay!.status()).toMatchObject({ parked: 0 });
  });

  it('parks a row the broker refuses (and the later rows of its bucket) while every other bucket flows on', async () => {
    const name = await topic([{ name: 'max.message.bytes', value: '20000' }], 3);
    await insertRow(db, 'a', 0, 100);
    await insertRow(db, 'b', 0, 100);
    await insertRow(db, 'a', 1, 30_000);
    await insertRow(db, 'b', 1, 100);
    await insertRow(db, 'a', 2, 100);
    await insertRow(db, 'b', 2, 100);
    const received = new Map<string, number[]>();
    consumer = await consume(kafka, name, received);
    startRelay(name);

    await waitFor(
      'b published and a parked',
      async () =>
        (received.get('b')?.length ?? 0) >= 3 && (await count(db, 'outbox_parked')) === 2 ? true : undefined,
      60_000,
    );
    // A row that arrives later for the parked bucket waits behind it too.
    await insertRow(db, 'a', 3, 100);
    await insertRow(db, 'b', 3, 100);
    relay!.notify();
    await waitFor(
      'b3 published, a3 parked',
      async () =>
        deduplicated(received.get('b')).length >= 4 && (await count(db, 'outbox_parked')) === 3 ? true : undefined,
      60_000,
    );

    expect(deduplicated(received.get('a'))).toEqual([0]);
    expect(deduplicated(received.get('b'))).toEqual([0, 1, 2, 3]);
    expect(await count(db, 'outbox')).toBe(0);
    const { rows: parked } = await db.pool.query<{ version: string; attempts: number; error: string }>(
      'SELECT version, attempts, error FROM outbox_parked ORDER BY id',
    );
    expect(parked.map((p) => Number(p.version))).toEqual([1, 2, 3]);
    expect(parked[0].attempts).toBe(3);
    expect(parked[0].error).toMatch(/^MESSAGE_TOO_LARGE: /);
    expect(parked.slice(1).map((p) => p.error)).toEqual([
      'behind an earlier parked row of the same bucket',
      'behind an earlier parked row of the same bucket',
    ]);
    expect(relay!.status().parked).toBe(3);

    // The operator raises the topic's limit and puts the rows back: a gets 1, 2, 3 in order.
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        { type: ConfigResourceTypes.TOPIC, name, configEntries: [{ name: 'max.message.bytes', value: '1048588' }] },
      ],
    });
    await waitFor('the broker to apply the new limit', async () => {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name, configNames: ['max.message.bytes'] }],
      });
      return resources[0].configEntries[0]?.configValue === '1048588' ? true : undefined;
    });
    const retried = await retryParked(db.pool);
    expect(retried).toMatchObject({ retried: 3, reordered: 0, buckets: ['a'] });
    relay!.notify();
    await waitFor('a1..a3 published', () => (deduplicated(received.get('a')).length >= 4 ? true : undefined), 60_000);
    expect(deduplicated(received.get('a'))).toEqual([0, 1, 2, 3]);
    expect(await count(db, 'outbox_parked')).toBe(0);
  });
});
