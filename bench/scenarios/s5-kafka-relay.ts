import { Partitioners } from 'kafkajs';
import { Client } from 'pg';
import { KafkajsPublisher, OutboxRelay, OutgoingMessage } from '@ledger/kafka-publisher';
import { createTestDatabase } from '../../test/support/test-database';
import { benchKafka, brokerPid, freshTopics, ledgerMessages } from '../harness/kafka';
import { fmt, log } from '../harness/log';
import { ProcessSampler } from '../harness/memory';
import { atLeast, Row } from '../harness/report';
import type { Scenario } from '../harness/scenario';
import { timed, waitUntil } from '../harness/stats';

const BATCH = 500; // the relay's default batch size

/**
 * The raw baseline: kafkajs with the relay's producer settings, sendBatch of BATCH messages from
 * memory, one at a time. 1M messages would not fit in memory twice: it cycles over `pool`.
 */
async function rawProducer(pool: OutgoingMessage[], total: number, maxMs: number): Promise<number> {
  const producer = benchKafka('raw').producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const deadline = Date.now() + maxMs;
  let sent = 0;
  try {
    while (sent < total && Date.now() < deadline) {
      const from = sent % pool.length;
      const batch = pool.slice(from, from + Math.min(BATCH, total - sent));
      const byTopic = new Map<string, { key: string; value: string | null; headers: Record<string, string> }[]>();
      for (const m of batch) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), { key: m.key, value: m.value, headers: m.headers }]);
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })) });
      sent += batch.length;
    }
  } finally {
    await producer.disconnect();
  }
  return sent;
}

/** Fills the outbox table directly (as the projector would have), in chunks of 10,000 rows. */
async function fillOutbox(client: Client, total: number, topics: { bucketState: string; balanceEvents: string }): Promise<void> {
  for (let i = 0; i < total; i += 10_000) {
    const chunk = ledgerMessages(i, Math.min(10_000, total - i), topics);
    await client.query(`INSERT INTO outbox (topic, key, value, headers)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])`,
    [chunk.map((m) => m.topic), chunk.map((m) => m.key), chunk.map((m) => m.value), chunk.map((m) => JSON.stringify(m.headers))]);
  }
}

/** 5. Publishing 1M bucket states (quick: 50k) through OutboxRelay + KafkajsPublisher vs a raw kafkajs producer. */
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
      const rawPool = ledgerMessages(0, 50_000, await freshTopics('s5-raw'));
      log(`s5: raw kafkajs producer, ${fmt(total)} messages in batches of ${BATCH}`);
      const raw = await timed(() => rawProducer(rawPool, total, maxMs));
      const rawRate = (raw.value / raw.ms) * 1000;
      log(`s5: raw producer sent ${fmt(raw.value)} in ${fmt(raw.ms / 1000, 1)} s = ${fmt(rawRate)}/s`);

      log(`s5: filling the outbox with ${fmt(total)} rows (setup)`);
      await fillOutbox(client, total, await freshTopics('s5-relay'));
      await client.query('VACUUM ANALYZE outbox');
      const relay = new OutboxRelay({ client, publisher: new KafkajsPublisher(benchKafka('relay')), batchSize: BATCH });
      log(`s5: OutboxRelay publishing ${fmt(total)} rows`);
      const run = await timed(async () => {
        relay.start();
        return waitUntil(() => relay.published >= total, maxMs, 20);
      });
      await relay.stop();
      const rate = (relay.published / run.ms) * 1000;
      log(`s5: relay published ${fmt(relay.published)} in ${fmt(run.ms / 1000, 1)} s = ${fmt(rate)}/s`);
      return [atLeast(`5 Kafka publishing (${fmt(total)} msgs, batch ${BATCH})`, 'msgs/s', rate, rawRate, { minRatio: 0.5 },
        run.value ? undefined : `stopped after ${maxMs / 1000} s with ${fmt(relay.published)} published`)] as Row[];
    } finally {
      memory('Kafka broker (VmRSS peak while running)', broker?.stop());
      await client.end();
      await db.drop();
    }
  },
};
