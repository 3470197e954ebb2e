import { freePort, spawnTsEntry } from '../../test/support/processes';
import { startBenchService } from '../harness/service';
import { HttpClient } from '../harness/http';
import { command, createBuckets } from '../harness/ledger-requests';
import { log } from '../harness/log';
import { rawStatements } from '../harness/raw-postgres';
import { atLeast, atMost, info, Row } from '../harness/report';
import type { Scenario } from '../harness/scenario';
import { closedLoop } from '../harness/stats';
import { tmf654V2Base } from '@ledger/contracts';

const RAW_TABLE = `CREATE TABLE IF NOT EXISTS bench_raw_command (
  id bigserial PRIMARY KEY, bucket_id text NOT NULL, amount numeric NOT NULL, body jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now())`;

/**
 * The same requests against balance-api's HTTP stack alone (bench/floor/main.ts: Nest, Express,
 * lossless JSON, the request DTOs' validation, no I/O), in a process of its own like the API's:
 * the most any ledger built on this stack could do on this machine. Info rows: not a target.
 */
async function frameworkFloor(ids: string[], rawRates: Map<number, number>, quick: boolean): Promise<Row[]> {
  const port = await freePort();
  const child = spawnTsEntry('bench/floor/main.ts', { name: 'framework-floor', env: { PORT: String(port) } });
  const http = new HttpClient(tmf654V2Base(`http://127.0.0.1:${port}`), 64);
  try {
    await child.waitForLine(/framework floor listening/, 120_000);
    // Warm up first, as the service was warmed by its own setup and the c=1 run.
    await closedLoop(
      { label: 's1 HTTP stack alone, warm-up', concurrency: 32, count: 1e6, maxMs: 2_000 },
      async (i) => {
        await command(http, i, ids[(i * 7919) % ids.length]);
      },
    );
    const rows: Row[] = [];
    for (const concurrency of [32, 64]) {
      const floor = await closedLoop(
        {
          label: `s1 HTTP stack alone c=${concurrency}`,
          concurrency,
          count: quick ? 5_000 : 20_000,
          maxMs: quick ? 3_000 : 10_000,
        },
        async (i) => {
          await command(http, i, ids[(i * 7919) % ids.length]);
        },
      );
      rows.push(
        info(
          `1 HTTP stack alone, no I/O, c=${concurrency}`,
          'req/s',
          floor.rate,
          rawRates.get(concurrency) ?? null,
          'Nest + Express + validation answering at once; baseline = raw INSERT',
        ),
      );
    }
    return rows;
  } finally {
    http.close();
    await child.kill('SIGKILL');
  }
}

/**
 * 1. Topups and adjustments over HTTP (the whole service as two processes: API, projector + relay),
 * spread over many buckets, at concurrency 1, 32 and 64; against raw single-row INSERT
 * transactions from Node at the same concurrency.
 */
export const httpCommands: Scenario = {
  id: 1,
  title: 'HTTP topups and adjustments over many buckets',
  async run({ quick, memory }) {
    const bucketCount = quick ? 1_000 : 10_000;
    const app = await startBenchService();
    const http = new HttpClient(app.v2, 64, app.headers);
    const rows: Row[] = [];
    const rawRates = new Map<number, number>();
    try {
      log(`s1: creating ${bucketCount} buckets over HTTP (setup)`);
      const ids = await createBuckets(http, bucketCount, 32);
      for (const concurrency of [1, 32, 64]) {
        const count = concurrency === 1 ? (quick ? 400 : 3_000) : quick ? 3_000 : 20_000;
        const load = { concurrency, count, maxMs: quick ? 5_000 : 20_000 };
        // A stride co-prime with the bucket count spreads consecutive commands over distinct buckets.
        const ours = await closedLoop({ label: `s1 HTTP c=${concurrency}`, ...load }, async (i) => {
          await command(http, i, ids[(i * 7919) % ids.length]);
        });
        const raw = await rawStatements(app.db.url, RAW_TABLE, `s1 raw INSERT c=${concurrency}`, load, (i) => [
          'INSERT INTO bench_raw_command (bucket_id, amount, body) VALUES ($1, $2, $3)',
          [
            ids[(i * 7919) % ids.length],
            i % 2 === 0 ? '5' : '-3',
            JSON.stringify({ type: 'voucher', channel: { id: 'web' }, n: i }),
          ],
        ]);
        rawRates.set(concurrency, raw.rate);
        const errors = ours.errors ? `${ours.errors} errors: ${ours.firstError}` : undefined;
        rows.push(
          atLeast(
            `1 HTTP commands c=${concurrency}: throughput`,
            'cmd/s',
            ours.rate,
            raw.rate,
            { minRatio: 0.4 },
            errors,
          ),
          info(`1 HTTP commands c=${concurrency}: p50`, 'ms', ours.p50, raw.p50),
          atMost(`1 HTTP commands c=${concurrency}: p99`, 'ms', ours.p99, raw.p99, 50),
        );
      }
      rows.push(...(await frameworkFloor(ids, rawRates, quick)));
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
