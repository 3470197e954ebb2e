import { Client } from 'pg';
import { closedLoop } from '../harness/stats';

const SETUP = `CREATE TABLE IF NOT EXISTS bench_plain_balances (bucket_id text PRIMARY KEY, revision bigint NOT NULL, balance text NOT NULL);
  CREATE TABLE IF NOT EXISTS bench_plain_checkpoint (id int PRIMARY KEY, commit_pos xid8 NOT NULL, prepare_pos bigint NOT NULL);
  INSERT INTO bench_plain_checkpoint VALUES (1, '0', 0) ON CONFLICT DO NOTHING`;

interface EventRow {
  transaction_id: string;
  global_position: string;
  stream_id: string;
  revision: string;
  event_type: string;
  data: { amount?: { amount: string }; amountAfter?: { amount: string } };
}

/**
 * Scenario 4's baseline, the "plain Node batched projector" of design.md: read 1,000 events in
 * global order, fold each bucket's balance in memory, upsert the touched buckets with one unnest
 * statement and move a checkpoint, one transaction per batch. Returns events folded.
 */
export async function plainProjector(
  url: string,
  total: number,
  maxMs: number,
): Promise<{ events: number; elapsedMs: number }> {
  const client = new Client({ connectionString: url, application_name: 'bench-plain-projector' });
  await client.connect();
  let after = ['0', '0'];
  let events = 0;
  try {
    await client.query(SETUP);
    const result = await closedLoop(
      { label: 's4 plain fold-and-upsert loop (batches)', concurrency: 1, count: Math.ceil(total / 1000) + 1, maxMs },
      async () => {
        const { rows } = await client.query<EventRow>(
          `SELECT transaction_id, global_position, stream_id, revision, event_type, data FROM event_store.events
          WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint) AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY transaction_id, global_position LIMIT 1000`,
          after,
        );
        if (rows.length === 0) return;
        const balances = new Map<string, { revision: string; balance: string }>();
        for (const row of rows) {
          const balance = row.event_type === 'BucketOpened' ? row.data.amount?.amount : row.data.amountAfter?.amount;
          if (balance !== undefined) balances.set(row.stream_id, { revision: row.revision, balance });
        }
        const last = rows[rows.length - 1];
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO bench_plain_balances SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])
         ON CONFLICT (bucket_id) DO UPDATE SET revision = EXCLUDED.revision, balance = EXCLUDED.balance
          WHERE bench_plain_balances.revision < EXCLUDED.revision`,
          [
            [...balances.keys()],
            [...balances.values()].map((b) => b.revision),
            [...balances.values()].map((b) => b.balance),
          ],
        );
        await client.query('UPDATE bench_plain_checkpoint SET commit_pos = $1, prepare_pos = $2 WHERE id = 1', [
          last.transaction_id,
          last.global_position,
        ]);
        await client.query('COMMIT');
        after = [last.transaction_id, last.global_position];
        events += rows.length;
      },
    );
    return { events, elapsedMs: result.elapsedMs };
  } finally {
    await client.end();
  }
}
