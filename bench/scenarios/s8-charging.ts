import { Pool } from 'pg';
import { startBenchService } from '../harness/service';
import { HttpClient } from '../harness/http';
import { createBuckets } from '../harness/ledger-requests';
import { log } from '../harness/log';
import { info, Row } from '../harness/report';
import type { Scenario } from '../harness/scenario';
import { closedLoop, LoadResult } from '../harness/stats';

const CONCURRENCY = 32;
const MANY_BUCKETS = 256;
const cents = { amount: 0.01, units: 'EUR' };
const RAW_TABLE = `CREATE TABLE IF NOT EXISTS bench_raw_charging (id int PRIMARY KEY, amount numeric NOT NULL, reserved numeric NOT NULL);
  INSERT INTO bench_raw_charging SELECT g, 1000, 0 FROM generate_series(0, ${MANY_BUCKETS - 1}) g ON CONFLICT DO NOTHING`;

/**
 * 8. A charging system's hot path: reserve, then a final deduct of what was reserved, as one
 * pair per operation at c=32, over many buckets and on one hot bucket. The baseline is the same
 * pair as two raw autocommit UPDATEs (hold, then capture) on a row per bucket.
 */
export const charging: Scenario = {
  id: 8,
  title: 'reserve → deduct pairs at c=32',
  async run({ quick, memory }) {
    const app = await startBenchService();
    const http = new HttpClient(app.v2, CONCURRENCY, app.headers);
    const rows: Row[] = [];
    try {
      const buckets = await createBuckets(http, MANY_BUCKETS);
      const load = { concurrency: CONCURRENCY, count: quick ? 1_000 : 5_000, maxMs: quick ? 8_000 : 30_000 };
      for (const [name, pick] of [
        [`many buckets (${MANY_BUCKETS})`, (i: number) => i % MANY_BUCKETS],
        ['one hot bucket', () => 0],
      ] as const) {
        log(`s8: ${CONCURRENCY} concurrent reserve → deduct pairs, ${name}`);
        const ours = await closedLoop({ label: `s8 ${name} HTTP`, ...load }, (i) => pair(http, buckets[pick(i)]));
        const raw = await rawPairs(app.db.url, `s8 ${name} raw`, load, pick);
        rows.push(...figures(`8 reserve→deduct ${name} c=${CONCURRENCY}`, ours, raw));
      }
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

async function pair(http: HttpClient, bucketId: string): Promise<void> {
  const reservation = await http.create('/balanceReserve', { bucket: { id: bucketId }, reservedAmount: cents });
  const deduct = { bucket: { id: bucketId }, balanceReserve: { id: reservation.id }, amount: cents, final: true };
  await http.create('/balanceDeduct', deduct);
}

function figures(scenario: string, ours: LoadResult, raw: LoadResult): Row[] {
  const errors = ours.errors ? `${ours.errors} errors: ${ours.firstError}` : undefined;
  return [
    info(`${scenario}: throughput`, 'pair/s', ours.rate, raw.rate, errors),
    info(`${scenario}: p50`, 'ms', ours.p50, raw.p50),
    info(`${scenario}: p99`, 'ms', ours.p99, raw.p99),
  ];
}

/** The baseline: the same pair as two autocommit round trips, guarded like the domain's checks. */
async function rawPairs(
  url: string,
  label: string,
  load: { concurrency: number; count: number; maxMs: number },
  pick: (i: number) => number,
): Promise<LoadResult> {
  const pool = new Pool({ connectionString: url, max: load.concurrency, application_name: 'bench-raw' });
  try {
    await pool.query(RAW_TABLE);
    return await closedLoop({ label, ...load }, async (i) => {
      const id = pick(i);
      await pool.query(
        'UPDATE bench_raw_charging SET reserved = reserved + 0.01 WHERE id = $1 AND amount - reserved >= 0.01',
        [id],
      );
      await pool.query(
        'UPDATE bench_raw_charging SET amount = amount - 0.01, reserved = reserved - 0.01 WHERE id = $1',
        [id],
      );
    });
  } finally {
    await pool.end();
  }
}
