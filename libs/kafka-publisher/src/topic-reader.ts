import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';

export interface TopicRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
}

/**
 * Every record of a topic from its first offset to the end it had when the read began, read by a
 * consumer in a throwaway group (it commits nothing anyone else reads). For small topics a
 * verifier reads whole, such as the audit anchors; not for the event topics.
 */
export async function readWholeTopic(kafka: Kafka, topic: string, timeoutMs = 60_000): Promise<TopicRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      if (BigInt(p.high) > BigInt(p.low)) ends.set(p.partition, BigInt(p.high));
    }
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return [];
  const consumer = kafka.consumer({ groupId: `ledger-read-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const records: TopicRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${topic} not read to its end within ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            records.push({
              partition,
              offset: message.offset,
              key: message.key === null ? null : message.key.toString(),
              value: message.value === null ? null : message.value.toString(),
            });
            const end = ends.get(partition);
            if (end !== undefined && BigInt(message.offset) + 1n >= end) ends.delete(partition);
            if (ends.size === 0) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch((error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}
