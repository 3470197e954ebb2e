import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPool } from '@ledger/postgres';
import { NewEvent, PostgresEventStore } from '@ledger/event-store';
import { createTestDatabase } from '../../test/support/test-database';
import { bucketEvents, historyTemplate } from '../harness/bucket-events';
import { runNodeChild } from '../harness/child';
import { log } from '../harness/log';
import { atLeast, info, Row } from '../harness/report';
import type { Scenario } from '../harness/scenario';
import { closedLoop } from '../harness/stats';

interface AppendOp {
  stream: string;
  before: number;
  events: NewEvent[];
}
interface Workload {
  label: string;
  concurrency: number;
  ops: AppendOp[];
}
interface Outcome {
  events: number;
  elapsedMs: number;
  errors: number;
  firstError?: string;
  p50: number;
  p99: number;
}

/**
 * The same append operations for both stores: `perAppend` events of a bucket history per append,
 * the k-th append to a stream continuing where the (k−1)-th stopped, streams visited round robin.
 */
function workload(label: string, concurrency: number, streams: number, appends: number, perAppend: number): Workload {
  const template = historyTemplate(100);
  const histories = new Map<number, NewEvent[]>();
  const ops: AppendOp[] = [];
  for (let i = 0; i < appends; i++) {
    const s = i % streams;
    const before = Math.floor(i / streams) * perAppend;
    if (!histories.has(s)) histories.set(s, bucketEvents(template, `${label}-${s}`));
    const history = histories.get(s) as NewEvent[];
    ops.push({
      stream: `bucket-${label}-${s}`,
      before,
      events: history.slice(before % 100, (before % 100) + perAppend),
    });
  }
  return { label, concurrency, ops };
}

async function ours(url: string, w: Workload, maxMs: number): Promise<Outcome> {
  const pool = createPool(url, { max: w.concurrency });
  const store = new PostgresEventStore(pool, url);
  try {
    const result = await closedLoop(
      { label: `s3 ledger ${w.label}`, concurrency: w.concurrency, count: w.ops.length, maxMs },
      async (i) => {
        const op = w.ops[i];
        // As the API appends: exact expected revision, and a command id recorded with the events.
        await store.append(op.stream, op.events, op.before === 0 ? 'no_stream' : BigInt(op.before - 1), {
          commandId: `${op.stream}/${op.before}`,
        });
      },
    );
    const events = w.ops.slice(0, result.done).reduce((n, op) => n + op.events.length, 0);
    return { ...result, events };
  } finally {
    await store.close();
    await pool.end();
  }
}

/** 3. Event-store appends: our PostgresEventStore against Emmett's PostgreSQL event store, same events. */
export const eventStoreAppend: Scenario = {
  id: 3,
  title: 'event-store append throughput vs Emmett',
  async run({ quick, memory }) {
    const maxMs = quick ? 5_000 : 20_000;
    const workloads = [
      workload('single', 16, 2_000, quick ? 4_000 : 30_000, 1),
      workload('batch100', 4, quick ? 200 : 1_000, quick ? 200 : 1_000, 100),
    ];
    const oursDb = await createTestDatabase({ poolMax: 1 });
    const emmettDb = await createTestDatabase({ migrate: false, poolMax: 1 });
    const rows: Row[] = [];
    try {
      const mine: Outcome[] = [];
      for (const w of workloads) mine.push(await ours(oursDb.url, w, maxMs));
      const file = join(tmpdir(), `bench-s3-${process.pid}.json`);
      writeFileSync(file, JSON.stringify({ url: emmettDb.url, maxMs, workloads }));
      log('s3: Emmett baseline in a child process (bench/emmett/append-baseline.mjs)');
      const child = await runNodeChild(
        'append-baseline.mjs',
        [file],
        join(__dirname, '..', 'emmett'),
        10 * maxMs + 60_000,
      );
      memory('Emmett child process', child.peakMiB);
      const theirs = (JSON.parse(child.stdout.trim().split('\n').pop() as string) as { results: Outcome[] }).results;
      workloads.forEach((w, n) => {
        const [a, b] = [mine[n], theirs[n]];
        const rate = (o: Outcome) => (o.events / o.elapsedMs) * 1000;
        const what =
          w.label === 'single' ? `1-event appends c=${w.concurrency}` : `100-event appends c=${w.concurrency}`;
        const errors =
          a.errors || b.errors
            ? `errors: ours ${a.errors} ${a.firstError ?? ''}, Emmett ${b.errors} ${b.firstError ?? ''}`
            : undefined;
        rows.push(
          atLeast(
            `3 event-store ${what}`,
            'events/s',
            rate(a),
            rate(b),
            { minRatio: 1.0 },
            errors ?? 'ours also records a command id per append, as the API does',
          ),
          info(`3 event-store ${what}: p99`, 'ms', a.p99, b.p99),
        );
      });
    } finally {
      await oursDb.drop();
      await emmettDb.drop();
    }
    return rows;
  },
};
