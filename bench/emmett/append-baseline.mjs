// Scenario 3's baseline, run as its own Node ESM process: Emmett's PostgreSQL event store appends
// the very operations the ledger's store appended (read from the file named by argv[2]), with the
// same concurrency and optimistic concurrency check. Prints one JSON line with the results.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';

const { url, maxMs, workloads } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const log = (m) => process.stderr.write(`[emmett child] ${m}\n`);

async function runWorkload(store, { label, concurrency, ops }) {
  const latencies = [];
  let next = 0;
  let errors = 0;
  let firstError;
  const start = performance.now();
  const deadline = start + maxMs;
  const worker = async () => {
    while (next < ops.length && performance.now() < deadline) {
      const op = ops[next++];
      const t0 = performance.now();
      try {
        // Emmett's stream version counts events: 0n is "no event yet".
        await store.appendToStream(op.stream, op.events, { expectedStreamVersion: BigInt(op.before) });
      } catch (error) {
        errors++;
        firstError ??= String(error?.message ?? error);
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - start;
  const events = ops.slice(0, latencies.length).reduce((n, op) => n + op.events.length, 0);
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil((p / 100) * latencies.length) - 1))];
  log(`${label}: ${latencies.length} appends, ${events} events in ${(elapsedMs / 1000).toFixed(1)} s, ${errors} errors`);
  return { label, appends: latencies.length, events, elapsedMs, errors, firstError, p50: pct(50), p99: pct(99) };
}

const pool = new pg.Pool({ connectionString: url, max: Math.max(...workloads.map((w) => w.concurrency)) });
const store = getPostgreSQLEventStore(url, { connectionOptions: { pooled: true, pool }, schema: { autoMigration: 'None' } });
await store.schema.migrate();
const results = [];
for (const workload of workloads) results.push(await runWorkload(store, workload));
await store.close();
await pool.end().catch(() => undefined);
process.stdout.write(`${JSON.stringify({ results })}\n`);
