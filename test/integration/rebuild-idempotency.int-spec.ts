import { Client } from 'pg';
import { PostgresEventStore, RecordedEvent, comparePositions } from '@ledger/event-store';
import { LedgerProjection } from '@ledger/ledger-projection';
import { CheckpointStore, writeBatch } from '@ledger/projection';
import { createTestDatabase, TestDatabase, waitFor } from '@ledger/testing';
import { BucketHistory, appendHistory } from '../../libs/operations/src/rebuild/testing/bucket-history';
import { readModelSnapshot } from '../../libs/operations/src/rebuild/testing/read-model-snapshot';

const projection = new LedgerProjection({
  topics: { bucketState: 'test.state', balanceEvents: 'test.events' },
  hrefBase: 'http://ledger.test/v2',
});

describe('LedgerProjection: the same event delivered twice leaves the read model unchanged', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let events: RecordedEvent[];

  /**
   * One batch in one statement, as a freshly started runner applies it (publishing on, nothing in
   * memory). The checkpoint is put back to the start first: that is what lets the same events be
   * delivered again, which the checkpoint's compare-and-set otherwise rules out. Other versions'
   * checkpoints are dropped, so none of them counts as having published these events already.
   */
  async function applyBatch(batch: RecordedEvent[], modelVersion: number): Promise<void> {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('DELETE FROM projection_checkpoints WHERE projection = $1 AND version <> $2', [
        projection.name,
        modelVersion,
      ]);
      await new CheckpointStore(client, projection.name, modelVersion).load();
      await client.query(
        'UPDATE projection_checkpoints SET commit_pos = 0, prepare_pos = 0 WHERE projection = $1 AND version = $2',
        [projection.name, modelVersion],
      );
      const write = await projection.apply(batch, { client, modelVersion, publish: () => true, memory: new Map() });
      await writeBatch(
        client,
        {
          projection: projection.name,
          modelVersion,
          from: 'start',
          to: batch[batch.length - 1].position,
          events: batch.length,
        },
        write,
      );
    } finally {
      await client.end();
    }
  }

  const outboxCount = async () =>
    (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox')).rows[0].n;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, db.url);
    const last = await appendHistory(store, new BucketHistory({ buckets: 20, seed: 17 }), 130);
    // readAll shows only what is below the cluster's read horizon: another test's open transaction
    // may hold the last appends back for a moment.
    events = await waitFor('every appended event readable', async () => {
      const all = await store.readAll('start', 10_000);
      return all.some((e) => last && comparePositions(e.position, last) === 0) ? all : undefined;
    });
    expect(events.length).toBeGreaterThanOrEqual(150);
  });

  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('changes no rm_* row and writes no outbox row when the same batch is applied again in a new transaction', async () => {
    await applyBatch(events.slice(0, 100), 2);
    const rows = await readModelSnapshot(db.pool, 2);
    const outbox = await outboxCount();
    expect(outbox).toBeGreaterThan(0);

    await applyBatch(events.slice(0, 100), 2);
    expect(await readModelSnapshot(db.pool, 2)).toEqual(rows);
    expect(await outboxCount()).toBe(outbox);
  });

  it('applies only the new events of an overlapping batch: the same rows and outbox rows as one delivery of each event', async () => {
    const before = await outboxCount();
    await applyBatch(events.slice(0, 150), 3);
    const once = { rows: await readModelSnapshot(db.pool, 3), outbox: (await outboxCount()) - before };

    const start = await outboxCount();
    await applyBatch(events.slice(0, 100), 4);
    await applyBatch(events.slice(50, 150), 4);
    await applyBatch(events.slice(50, 150), 4);
    expect(await readModelSnapshot(db.pool, 4)).toEqual(once.rows);
    expect((await outboxCount()) - start).toBe(once.outbox);
  });
});
