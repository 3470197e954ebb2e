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
 * One request in flight and acks=all, so per-partition order holds across retries and an
 * acknowledged message is on min.insync.replicas brokers. Not kafkajs's idempotent producer: with
 * a broker of three SIGKILLed it acknowledged a message that never reached the log (our leader-kill
 * fault test lost one event-topic message in four runs; kafkajs issue #1303, open since 2022).
 * Without it a retried batch may be written twice, which consumers drop by version, as they must
 * for the relay's own at-least-once redelivery anyway; a loss nobody can detect is the one thing a
 * ledger's stream may not have. After any failure the producer is thrown away and rebuilt.
 */
export class KafkajsPublisher implements MessagePublisher {
  private producer: Producer | undefined;

  constructor(private readonly kafka: Kafka) {}

  private async connected(): Promise<Producer> {
    if (!this.producer) {
      // The default (murmur2, Java-compatible) partitioner, named so that any client in any
      // language computes the same partition for a bucket id.
      const producer = this.kafka.producer({
        idempotent: false,
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
