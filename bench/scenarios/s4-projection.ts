import { LedgerProjection } from '@ledger/ledger-projection';
import { rebuildReadModel } from '@ledger/operations';
import { ProjectionRunner } from '@ledger/projection';
import { PostgresEventStore } from '@ledger/event-store';
import { createPool } from '@ledger/postgres';
import { createTestDatabase } from '../../test/support/test-database';
import { fillEventStore } from '../harness/event-fill';
import { fmt, log, progressLog } from '../harness/log';
import { atLeast, atMost, info, Row } from '../harness/report';
import type { Scenario } from '../harness/scenario';
import { timed, waitUntil } from '../harness/stats';
import { plainProjector } from './plain-projector';
import { tmf654V2Base } from '@ledger/contracts';

const projection = () =>
  new LedgerProjection({
    topics: { bucketState: 'bench.s4.bucket-state', balanceEvents: 'bench.s4.balance-events' },
    hrefBase: tmf654V2Base('http://127.0.0.1:3000'),
  });

/**
 * 4. Projection catch-up over a full event store (1M events; quick: 50k) with the projector's own
 * runner and batch size, against a plain batched fold-and-upsert loop; then a full rebuild.
 */
export const projectionCatchUp: Scenario = {
  id: 4,
  title: 'projection catch-up and rebuild',
  async run({ quick }) {
    const total = quick ? 50_000 : 1_000_000;
    const maxMs = quick ? 60_000 : 150_000;
    const db = await createTestDatabase({ poolMax: 4 });
    const store = new PostgresEventStore(db.pool, db.url);
    const rows: Row[] = [];
    try {
      log(`s4: writing ${fmt(total)} events (setup)`);
      const events = await fillEventStore(db.url, total, 's4');
      await db.pool.query('VACUUM ANALYZE event_store.events');
      const plain = await plainProjector(db.url, events, maxMs);
      const plainRate = (plain.events / plain.elapsedMs) * 1000;

      log(`s4: ProjectionRunner + LedgerProjection catching up on ${fmt(events)} events`);
      let projected = 0;
      const runner = new ProjectionRunner({
        store,
        databaseUrl: db.url,
        projection: projection(),
        modelVersion: 1,
        onBatch: (b) => (projected += b.events),
      });
      const caughtUp = await timed(async () => {
        await runner.start();
        return waitUntil(
          () => projected >= events,
          maxMs,
          10,
          () => `s4 catch-up: ${fmt(projected)}/${fmt(events)} events`,
        );
      });
      await runner.stop();
      const rate = (projected / caughtUp.ms) * 1000;
      log(`s4: projected ${fmt(projected)} events in ${fmt(caughtUp.ms / 1000, 1)} s = ${fmt(rate)}/s`);
      rows.push(
        atLeast(
          `4 projection catch-up (${fmt(events)} events)`,
          'events/s',
          rate,
          plainRate,
          { minRatio: 0.65, minAbs: 50_000 },
          caughtUp.value ? undefined : `stopped at ${fmt(projected)} events after ${maxMs / 1000} s`,
        ),
      );

      log('s4: full rebuild (rebuildReadModel, the CLI default batch size)');
      const pool = createPool(db.url, { max: 4 });
      const report = progressLog();
      const rebuild = await timed(() =>
        rebuildReadModel({
          store,
          pool,
          databaseUrl: db.url,
          projection: projection(),
          onStep: (m) => log(`  rebuild: ${m}`),
          onProgress: (p) => report(() => `rebuild: ${fmt(p.events)}/${fmt(events)} events`),
        }),
      );
      await pool.end();
      const limitS = (20 * events) / 1_000_000;
      const foldS = rebuild.value.elapsedMs / 1000;
      rows.push(
        atMost(
          `4 rebuild of ${fmt(events)} events, to the switch`,
          's',
          foldS,
          plain.elapsedMs / 1000,
          limitS,
          `${fmt(rebuild.value.events / foldS)} events/s; target = 20 s per 1M events; baseline = plain loop time` +
            (projected < events
              ? `; v1 had stopped at ${fmt(projected)}, so the rebuild also wrote outbox rows for the rest`
              : ''),
        ),
        info(
          `4 rebuild of ${fmt(events)} events, incl. deleting old rows`,
          's',
          rebuild.ms / 1000,
          null,
          `${fmt(rebuild.value.deletedRows)} rows of v1 deleted`,
        ),
      );
    } finally {
      await store.close();
      await db.drop();
    }
    return rows;
  },
};
