import { startLedgerApp } from '../../test/support/ledger-app';
import { HttpClient } from '../harness/http';
import { command, createBuckets } from '../harness/ledger-requests';
import { log } from '../harness/log';
import { rawStatements } from '../harness/raw-postgres';
import { atLeast, atMost, info, Row } from '../harness/report';
import type { Scenario } from '../harness/scenario';
import { closedLoop } from '../harness/stats';

const RAW_TABLE = `CREATE TABLE IF NOT EXISTS bench_raw_command (
  id bigserial PRIMARY KEY, bucket_id text NOT NULL, amount numeric NOT NULL, body jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now())`;

/**
 * 1. Topups and adjustments over HTTP (the whole service in-process: API + projector + relay),
 * spread over many buckets, at concurrency 1, 32 and 64; against raw single-row INSERT
 * transactions from Node at the same concurrency.
 */
export const httpCommands: Scenario = {
  id: 1,
  title: 'HTTP topups and adjustments over many buckets',
  async run({ quick }) {
    const bucketCount = quick ? 1_000 : 10_000;
    const app = await startLedgerApp();
    const http = new HttpClient(app.v2, 64);
    const rows: Row[] = [];
    try {
      log(`s1: creating ${bucketCount} buckets over HTTP (setup)`);
      const ids = await createBuckets(http, bucketCount, 32);
      for (const concurrency of [1, 32, 64]) {
        const count = concurrency === 1 ? (quick ? 400 : 3_000) : (quick ? 3_000 : 20_000);
        const load = { concurrency, count, maxMs: quick ? 5_000 : 20_000 };
        // A stride co-prime with the bucket count spreads consecutive commands over distinct buckets.
        const ours = await closedLoop({ label: `s1 HTTP c=${concurrency}`, ...load }, async (i) => {
          await command(http, i, ids[(i * 7919) % ids.length]);
        });
        const raw = await rawStatements(app.db.url, RAW_TABLE, `s1 raw INSERT c=${concurrency}`, load, (i) => [
          'INSERT INTO bench_raw_command (bucket_id, amount, body) VALUES ($1, $2, $3)',
          [ids[(i * 7919) % ids.length], i % 2 === 0 ? '5' : '-3', JSON.stringify({ type: 'voucher', channel: { id: 'web' }, n: i })],
        ]);
        const errors = ours.errors ? `${ours.errors} errors: ${ours.firstError}` : undefined;
        rows.push(
          atLeast(`1 HTTP commands c=${concurrency}: throughput`, 'cmd/s', ours.rate, raw.rate, { minRatio: 0.4 }, errors),
          info(`1 HTTP commands c=${concurrency}: p50`, 'ms', ours.p50, raw.p50),
          atMost(`1 HTTP commands c=${concurrency}: p99`, 'ms', ours.p99, raw.p99, 50),
        );
      }
    } finally {
      http.close();
      await app.close();
    }
    return rows;
  },
};
