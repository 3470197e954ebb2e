import { createPool } from '@ledger/postgres';
import { PostgresEventStore } from '@ledger/event-store';
import { bucketEvents, historyTemplate } from './bucket-events';
import { closedLoop } from './stats';

/**
 * Setup for scenarios 4: `total` events as buckets of 100 (one real bucket history each), each
 * bucket written by one multi-event append through the event store (hash chain included).
 */
export async function fillEventStore(url: string, total: number, label: string): Promise<number> {
  const template = historyTemplate(100);
  const buckets = Math.ceil(total / 100);
  const pool = createPool(url, { max: 4 });
  const store = new PostgresEventStore(pool, url);
  try {
    const result = await closedLoop(
      { label: `fill ${label}: ${buckets} buckets x 100 events`, concurrency: 4, count: buckets, maxMs: 600_000 },
      (i) =>
        store
          .append(`bucket-${label}-${i}`, bucketEvents(template, `${label}-${i}`), 'no_stream')
          .then(() => undefined),
    );
    if (result.errors > 0) throw new Error(`filling the event store failed: ${result.firstError}`);
    return result.done * 100;
  } finally {
    await store.close();
    await pool.end();
  }
}
