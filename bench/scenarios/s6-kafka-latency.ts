import { performance } from 'node:perf_hooks';
import { Partitioners } from 'kafkajs';
import { startBenchService } from '../harness/service';
import { HttpClient } from '../harness/http';
import { freshTopics, benchKafka } from '../harness/kafka';
import { command, createBuckets } from '../harness/ledger-requests';
import { fmt, log } from '../harness/log';
import { openLoop, startConsumer } from '../harness/open-loop';
import { atMost, info, Row } from '../harness/report';
import type { Scenario } from '../harness/scenario';
import { summarize, waitUntil } from '../harness/stats';

const RATE = 1_000;
const MAX_IN_FLIGHT = 256;

/** The baseline: a raw kafkajs producer sending single messages at the same rate; send → consumed. */
async function rawLatency(durationMs: number) {
  const topic = (await freshTopics('s6-raw')).balanceEvents;
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const consumer = await startConsumer('bench-s6-raw', topic, ({ message }, at) => {
    const t = sentAt.get(message.key?.toString() ?? '');
    if (t !== undefined) latencies.push(at - t);
  });
  const producer = benchKafka('s6-raw').producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  // Warm up: the consumer's first fetch and the producer's metadata are not part of the figure.
  sentAt.set('warm-up', performance.now());
  await producer.send({ topic, acks: -1, messages: [{ key: 'warm-up', value: '{}' }] });
  await waitUntil(() => latencies.length > 0, 10_000);
  latencies.length = 0;
  const load = await openLoop(RATE, durationMs, MAX_IN_FLIGHT, async (i) => {
    sentAt.set(`m${i}`, performance.now());
    await producer.send({
      topic,
      acks: -1,
      messages: [{ key: `m${i}`, value: JSON.stringify({ i, pad: 'x'.repeat(600) }) }],
    });
  });
  await waitUntil(() => latencies.length >= load.scheduled - load.skipped, 10_000);
  await producer.disconnect();
  await consumer.disconnect();
  return summarize(latencies, load.elapsedMs);
}

/** 6. Command sent over HTTP → its bucket state consumed from Kafka, at 1,000 commands/s offered. */
export const kafkaLatency: Scenario = {
  id: 6,
  title: 'command accepted → state visible on Kafka at 1,000 commands/s',
  async run({ quick, memory }) {
    const durationMs = quick ? 4_000 : 20_000;
    const app = await startBenchService();
    const http = new HttpClient(app.v2, MAX_IN_FLIGHT, app.headers);
    const rows: Row[] = [];
    try {
      const ids = await createBuckets(http, quick ? 500 : 2_000, 32);
      const tag = `s6-${process.pid}`;
      const sent = new Map<number, number>();
      const accepted = new Map<number, number>();
      const visible = new Map<number, number>();
      let seen = 0;
      const consumer = await startConsumer('bench-s6', app.config.topics.bucketState, ({ message }, at) => {
        seen++;
        const id = message.headers?.['correlation-id']?.toString() ?? '';
        if (!id.startsWith(tag)) return;
        const i = Number(id.slice(tag.length + 1));
        if (!visible.has(i)) visible.set(i, at);
      });
      await waitUntil(() => seen >= ids.length, 30_000); // caught up on the bucket creations: live from here
      log(`s6: offering ${fmt(RATE)} commands/s for ${durationMs / 1000} s (at most ${MAX_IN_FLIGHT} in flight)`);
      const load = await openLoop(RATE, durationMs, MAX_IN_FLIGHT, async (i) => {
        sent.set(i, performance.now());
        await command(http, i, ids[(i * 7919) % ids.length], { 'X-Correlation-Id': `${tag}-${i}` });
        accepted.set(i, performance.now());
      });
      await waitUntil(() => [...accepted.keys()].every((i) => visible.has(i)), 15_000, 50);
      await consumer.disconnect();
      const done = [...accepted.keys()].filter((i) => visible.has(i));
      const fromSent = summarize(
        done.map((i) => (visible.get(i) as number) - (sent.get(i) as number)),
        load.elapsedMs,
      );
      const from201 = summarize(
        done.map((i) => (visible.get(i) as number) - (accepted.get(i) as number)),
        load.elapsedMs,
      );
      log(
        `s6: ${fmt(accepted.size)} accepted, ${fmt(done.length)} seen on Kafka, ${fmt(load.skipped)} skipped (in-flight cap)`,
      );
      log('s6: raw kafkajs produce → consume at the same rate');
      const raw = await rawLatency(durationMs);
      const note =
        `${fmt(accepted.size)} of ${fmt(load.scheduled)} offered accepted, ${fmt(load.skipped)} skipped at the in-flight cap, ` +
        `${fmt(accepted.size - done.length)} never seen on Kafka`;
      rows.push(
        info(
          '6 command → Kafka: commands completed',
          'cmd/s',
          (accepted.size / load.elapsedMs) * 1000,
          RATE,
          'baseline = offered rate',
        ),
        info('6 command sent → state on Kafka: p50', 'ms', fromSent.p50, raw.p50),
        atMost('6 command sent → state on Kafka: p99', 'ms', fromSent.p99, raw.p99, 250, note),
        info(
          '6 201 received → state on Kafka: p99',
          'ms',
          from201.p99,
          raw.p99,
          'can be < 0: Kafka may see it before the 201',
        ),
      );
    } finally {
      http.close();
      const peaks = app.peaks();
      memory('balance-api process', peaks.api);
      memory('projector process', peaks.projector);
      await app.close();
    }
    return rows;
  },
};
