import { Kafka, Partitioners, Producer } from 'kafkajs';

export interface OutgoingMessage {
  topic: string;
  key: string;
  /** null is a tombstone on a compacted topic. */
  value: string | null;
  headers: Record<string, string>;
}

/** What the relay needs from Kafka. kafkajs is unmaintained; this seam lets it be replaced. */
export interface MessagePublisher {
  /** Resolves once every message is acknowledged by all in-sync replicas, in the order given per key. */
  publish(messages: OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * kafkajs's idempotent producer with one request in flight, so per-partition order holds across
 * retries. After any failure the producer is thrown away: its sequence numbers may no longer match
 * the broker's, and a fresh producer id makes the retried batch safe to resend (consumers drop
 * duplicates by version).
 */
export class KafkajsPublisher implements MessagePublisher {
  private producer: Producer | undefined;

  constructor(private readonly kafka: Kafka) {}

  private async connected(): Promise<Producer> {
    if (!this.producer) {
      // The default (murmur2, Java-compatible) partitioner, named so that any client in any
      // language computes the same partition for a bucket id.
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  async publish(messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.connected();
    try {
      await producer.sendBatch({ acks: -1, topicMessages: groupByTopic(messages) });
    } catch (error) {
      this.producer = undefined;
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }
}

/** Keeps the relative order of messages within each topic (and so within each key). */
function groupByTopic(messages: OutgoingMessage[]) {
  const byTopic = new Map<string, { key: string; value: string | null; headers: Record<string, string> }[]>();
  for (const m of messages) {
    const list = byTopic.get(m.topic) ?? [];
    list.push({ key: m.key, value: m.value, headers: m.headers });
    byTopic.set(m.topic, list);
  }
  return [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs }));
}
