import { startBenchService } from '../harness/service';
import { HttpClient } from '../harness/http';
import { command, createBuckets } from '../harness/ledger-requests';
import { log } from '../harness/log';
import { rawStatements } from '../harness/raw-postgres';
import { atLeast, info, Row } from '../harness/report';
import type { Scenario } from '../harness/scenario';
import { closedLoop } from '../harness/stats';

const CONCURRENCY = 32;
const RAW_TABLE = `CREATE TABLE IF NOT EXISTS bench_raw_hot (id int PRIMARY KEY, balance numeric NOT NULL, version bigint NOT NULL);
  INSERT INTO bench_raw_hot VALUES (1, 1000, 0) ON CONFLICT DO NOTHING`;

/** 2. One hot bucket under 32 concurrent commands, against raw single-row UPDATEs of one row. */
export const hotBucket: Scenario = {
  id: 2,
  title: 'one hot bucket under concurrent commands',
  async run({ quick, memory }) {
    const app = await startBenchService();
    const http = new HttpClient(app.v2, CONCURRENCY, app.headers);
    const rows: Row[] = [];
    try {
      const [bucketId] = await createBuckets(http, 1, 1);
      log(`s2: ${CONCURRENCY} concurrent commands on bucket ${bucketId}`);
      const load = { concurrency: CONCURRENCY, count: quick ? 2_000 : 10_000, maxMs: quick ? 6_000 : 20_000 };
      const ours = await closedLoop({ label: 's2 hot bucket HTTP', ...load }, async (i) => {
        await command(http, i, bucketId);
      });
      const raw = await rawStatements(app.db.url, RAW_TABLE, 's2 raw UPDATE one row', load, (i) => [
        'UPDATE bench_raw_hot SET balance = balance + $1, version = version + 1 WHERE id = 1',
        [i % 2 === 0 ? '5' : '-3'],
      ]);
      const errors = ours.errors ? `${ours.errors} errors: ${ours.firstError}` : undefined;
      rows.push(
        atLeast(
          `2 hot bucket c=${CONCURRENCY}: throughput`,
          'cmd/s',
          ours.rate,
          raw.rate,
          { minRatio: 0.4, minAbs: 1_000 },
          errors,
        ),
        info(`2 hot bucket c=${CONCURRENCY}: p50`, 'ms', ours.p50, raw.p50),
        info(`2 hot bucket c=${CONCURRENCY}: p99`, 'ms', ours.p99, raw.p99),
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
