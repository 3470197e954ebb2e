import { randomUUID } from 'node:crypto';
import { createKafka } from '@ledger/kafka-publisher';
import { waitFor } from './wait-for';

export interface PublishedState {
  version: number;
  amount: { amount: number; units: string };
  [field: string]: unknown;
}

/**
 * Reads the state topic from the beginning with a plain kafkajs consumer, as a charging system
 * would, until `count` states of one bucket arrived (or the deadline passes).
 */
export async function readBucketStates(
  brokers: string[],
  topic: string,
  bucketId: string,
  count: number,
  timeoutMs = 30_000,
): Promise<PublishedState[]> {
  const kafka = createKafka({ brokers, clientId: `states-${bucketId}` });
  // A short fetch wait, so disconnect() does not sit out kafkajs's default 5 s long poll.
  const consumer = kafka.consumer({ groupId: `states-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const states: PublishedState[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (String(message.key) === bucketId && message.value) states.push(JSON.parse(String(message.value)));
      },
    });
    return await waitFor(
      `${count} states of bucket ${bucketId} on ${topic}`,
      () => (states.length >= count ? states : undefined),
      timeoutMs,
    );
  } finally {
    await consumer.disconnect();
  }
}
