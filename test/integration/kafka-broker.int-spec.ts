import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { createKafka, probeKafka } from '@ledger/kafka-publisher';
import { waitFor } from '@ledger/testing';

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

describe('the Kafka broker started from Apache jars', () => {
  let kafka: Kafka;

  beforeAll(() => {
    kafka = createKafka({ brokers, clientId: 'kafka-broker-int-spec' });
  });

  it('answers a cluster probe with one broker that is also the controller', async () => {
    const status = await probeKafka(kafka);
    expect(status).toEqual({ reachable: true, brokers: 1, controller: 1 });
  });

  it('creates a topic, then a produced message is consumed back in order', async () => {
    const topic = `it.kafka.${randomUUID()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    expect(await admin.listTopics()).toContain(topic);

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = ['first', 'second', 'third'].map((value) => ({ key: 'bucket-1', value }));
    await producer.send({ topic, acks: -1, messages: sent });

    const consumer = kafka.consumer({ groupId: `it-${randomUUID()}` });
    const received: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push(String(message.value));
      },
    });
    try {
      await waitFor('three messages', () => (received.length >= 3 ? received : undefined), 30_000);
      expect(received).toEqual(['first', 'second', 'third']);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] });
      await admin.disconnect();
    }
  });
});
