import { Partitioners } from 'kafkajs';
import { Client } from 'pg';
import { KafkajsPublisher, OutgoingMessage } from '@ledger/kafka-publisher';
import { OutboxRelay, entryMessages } from '@ledger/outbox';
import { createTestDatabase } from '../../test/support/test-database';
import { benchKafka, brokerPid, freshTopics, ledgerEntries, ledgerMessages } from '../harness/kafka';
import { fmt, log } from '../harness/log';
import { ProcessSampler } from '../harness/memory';
import { atLeast, Row } from '../harness/report';
import type { Scenario } from '../harness/scenario';
import { timed, waitUntil } from '../harness/stats';

/** Messages per Kafka request on both sides: the relay reads 250 outbox rows of two messages each. */
const BATCH = 500;

/**
 * The raw baseline: kafkajs with the relay's producer settings, sendBatch of BATCH messages from
 * memory, one at a time. 1M messages would not fit in memory twice: it cycles over `pool`.
 */
async function rawProducer(pool: OutgoingMessage[], total: number, maxMs: number): Promise<number> {
  const producer = benchKafka('raw').producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const deadline = Date.now() + maxMs;
  let sent = 0;
  try {
    while (sent < total && Date.now() < deadline) {
      const from = sent % pool.length;
      const batch = pool.slice(from, from + Math.min(BATCH, total - sent));
      const byTopic = new Map<string, { key: string; value: string | null; headers: Record<string, string> }[]>();
      for (const m of batch)
        byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), { key: m.key, value: m.value, headers: m.headers }]);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })),
      });
      sent += batch.length;
      if (sent % 100_000 < batch.length) log(`  s5 raw producer: ${fmt(sent)}/${fmt(total)} messages`);
    }
  } finally {
    await producer.disconnect();
  }
  return sent;
}

/** Fills the outbox table directly (as the projector would have), in chunks of 10,000 rows (events). */
async function fillOutbox(client: Client, events: number): Promise<void> {
  for (let i = 0; i < events; i += 10_000) {
    const chunk = ledgerEntries(i, Math.min(10_000, events - i));
    await client.query(
      `INSERT INTO outbox (bucket_id, event_id, event_type, version, correlation_id, state, deleted, event)
      SELECT * FROM json_to_recordset($1::json) AS r(bucket_id text, event_id uuid, event_type text, version bigint,
        correlation_id text, state text, deleted boolean, event text)`,
      [JSON.stringify(chunk)],
    );
  }
}

/**
 * 5. Publishing 1M messages (quick: 50k): 500k bucket states and their balance events, through
 * OutboxRelay + KafkajsPublisher, vs a raw kafkajs producer sending the same messages.
 */
export const kafkaRelay: Scenario = {
  id: 5,
  title: 'Kafka publishing through the outbox relay',
  async run({ quick, memory }) {
    const total = quick ? 50_000 : 1_000_000;
    const maxMs = quick ? 40_000 : 240_000;
    const pid = brokerPid();
    const broker = pid ? new ProcessSampler(pid, 'VmRSS') : undefined;
    const db = await createTestDatabase({ poolMax: 1 });
    const client = new Client({ connectionString: db.url, application_name: 'bench-outbox-relay' });
    await client.connect();
    try {
      const rawPool = ledgerMessages(0, 25_000, await freshTopics('s5-raw'));
      log(`s5: raw kafkajs producer, ${fmt(total)} messages in batches of ${BATCH}`);
      const raw = await timed(() => rawProducer(rawPool, total, maxMs));
      const rawRate = (raw.value / raw.ms) * 1000;
      log(`s5: raw producer sent ${fmt(raw.value)} in ${fmt(raw.ms / 1000, 1)} s = ${fmt(rawRate)}/s`);

      log(`s5: filling the outbox with ${fmt(total / 2)} rows of two messages (setup)`);
      await fillOutbox(client, total / 2);
      await client.query('VACUUM ANALYZE outbox');
      const topics = await freshTopics('s5-relay');
      const relay = new OutboxRelay({
        client,
        publisher: new KafkajsPublisher(benchKafka('relay')),
        batchSize: BATCH / 2,
        messages: (row) => entryMessages(row, topics),
      });
      log(`s5: OutboxRelay publishing ${fmt(total)} messages`);
      const run = await timed(async () => {
        relay.start();
        return waitUntil(
          () => relay.publishedMessages >= total,
          maxMs,
          20,
          () => `s5 relay: ${fmt(relay.publishedMessages)}/${fmt(total)} messages`,
        );
      });
      await relay.stop();
      const rate = (relay.publishedMessages / run.ms) * 1000;
      log(`s5: relay published ${fmt(relay.publishedMessages)} in ${fmt(run.ms / 1000, 1)} s = ${fmt(rate)}/s`);
      return [
        atLeast(
          `5 Kafka publishing (${fmt(total)} msgs, batch ${BATCH})`,
          'msgs/s',
          rate,
          rawRate,
          { minRatio: 0.5 },
          run.value ? undefined : `stopped after ${maxMs / 1000} s with ${fmt(relay.publishedMessages)} published`,
        ),
      ] as Row[];
    } finally {
      memory('Kafka broker (VmRSS peak while running)', broker?.stop());
      await client.end();
      await db.drop();
    }
  },
};
