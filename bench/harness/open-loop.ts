import { performance } from 'node:perf_hooks';
import { Consumer, EachMessagePayload } from 'kafkajs';
import { benchKafka } from './kafka';
import { sleep } from './log';

/**
 * Starts op(i) at `rate` per second for `durationMs` (open loop: the schedule does not wait for
 * answers). When `maxInFlight` operations are outstanding, the scheduled one is skipped, not queued.
 */
export async function openLoop(
  rate: number,
  durationMs: number,
  maxInFlight: number,
  op: (i: number) => Promise<void>,
) {
  const total = Math.floor((rate * durationMs) / 1000);
  const pending = new Set<Promise<void>>();
  let scheduled = 0;
  let skipped = 0;
  const start = performance.now();
  while (scheduled < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) * rate) / 1000) + 1);
    for (; scheduled < due; scheduled++) {
      if (pending.size >= maxInFlight) {
        skipped++;
        continue;
      }
      const p = op(scheduled)
        .catch(() => undefined)
        .finally(() => pending.delete(p));
      pending.add(p);
    }
    await sleep(1);
  }
  await Promise.all(pending);
  return { scheduled, skipped, elapsedMs: performance.now() - start };
}

/**
 * A consumer on `topic` from the beginning; `onMessage` sees every message with its arrival time.
 * Resolves once the group was joined.
 */
export async function startConsumer(
  name: string,
  topic: string,
  onMessage: (p: EachMessagePayload, at: number) => void,
): Promise<Consumer> {
  const consumer = benchKafka(name).consumer({ groupId: `${name}-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({ eachMessage: async (p) => onMessage(p, performance.now()) });
  await joined;
  return consumer;
}
