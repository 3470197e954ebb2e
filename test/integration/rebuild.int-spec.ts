import { PostgresEventStore, RecordedEvent } from '@ledger/event-store';
import { LedgerProjection } from '@ledger/ledger-projection';
import { RebuildInProgressError, RebuildOptions, rebuildReadModel } from '@ledger/operations';
import { Projection, ProjectionRunner, ReadModelVersions, atOrPast } from '@ledger/projection';
import { createTestDatabase, TestDatabase, waitFor } from '@ledger/testing';
import { runCli } from '../../apps/ledger-cli/src/cli';
import { BucketHistory, appendHistory } from '../../libs/operations/src/rebuild/testing/bucket-history';
import {
  ReadModelSnapshot,
  readModelSnapshot,
  versionsWithRows,
} from '../../libs/operations/src/rebuild/testing/read-model-snapshot';

const projection = new LedgerProjection({
  topics: { bucketState: 'test.state', balanceEvents: 'test.events' },
  hrefBase: 'http://ledger.test/v2',
});

/** Holds the first batch until released, so a test can act while a rebuild is provably under way. */
function gatedProjection(): { projection: Projection; entered: Promise<void>; release: () => void } {
  let release!: () => void;
  let entered!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const enteredP = new Promise<void>((r) => (entered = r));
  return {
    projection: {
      name: projection.name,
      apply: async (events: RecordedEvent[], ctx) => {
        entered();
        await gate;
        return projection.apply(events, ctx);
      },
    },
    entered: enteredP,
    release,
  };
}

describe('ledger-cli rebuild (read model version N+1 built beside N, then switched)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let versions: ReadModelVersions;
  let total: number;
  let incremental: ReadModelSnapshot;
  const options = (overrides: Partial<RebuildOptions> = {}): RebuildOptions => ({
    store,
    pool: db.pool,
    databaseUrl: db.url,
    projection,
    ...overrides,
  });

  beforeAll(async () => {
    db = await createTestDatabase();
    db.pool.on('error', () => undefined);
    store = new PostgresEventStore(db.pool, db.url);
    versions = new ReadModelVersions(db.pool, 'ledger');
    // Version 1 is projected the way production does it: small batches following live appends.
    const runner = new ProjectionRunner({ store, databaseUrl: db.url, projection, modelVersion: 1, batchSize: 7 });
    await runner.start();
    const head = await appendHistory(store, new BucketHistory({ buckets: 20, seed: 11 }), 250);
    await waitFor('version 1 caught up', () => (atOrPast(runner.checkpoint, head) ? true : undefined), 20_000);
    await runner.stop();
    total = (await store.readAll('start', 10_000)).length;
    incremental = await readModelSnapshot(db.pool, 1);
  });

  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('has a history with every kind of event to fold', async () => {
    const types = new Set((await store.readAll('start', 10_000)).map((e) => e.type));
    expect([...types].sort()).toEqual([
      'BalanceAdjusted',
      'BalanceToppedUp',
      'BucketDeleted',
      'BucketOpened',
      'BucketStatusChanged',
      'TopupCancelled',
      'TopupRequested',
    ]);
    expect(total).toBeGreaterThan(300);
    expect(incremental.rm_buckets).toHaveLength(20);
  });

  it('builds version 2 identical, row by row in every rm_* table, to the incrementally projected version 1', async () => {
    const result = await rebuildReadModel(options({ keepOldVersion: true }));
    expect(result).toMatchObject({
      outcome: 'switched',
      from: 1,
      to: 2,
      resumed: false,
      events: total,
      deletedRows: 0,
    });
    expect(await versions.serving()).toBe(2);
    expect(await readModelSnapshot(db.pool, 2)).toEqual(incremental);
  });

  it('deletes the old version (and retired leftovers) in batches after the switch, leaving only the new one', async () => {
    const result = await rebuildReadModel(options({ deleteBatchSize: 7 }));
    expect(result).toMatchObject({ outcome: 'switched', from: 2, to: 3 });
    expect(result.deletedRows).toBe(Object.values(incremental).reduce((n, rows) => n + rows.length, 0));
    expect(await versionsWithRows(db.pool)).toEqual([3]);
    expect(await versions.checkpoint(2)).toBeUndefined();
    expect(await readModelSnapshot(db.pool, 3)).toEqual(incremental);
  });

  it('resumes an interrupted rebuild from its checkpoint and ends with the same rows', async () => {
    const controller = new AbortController();
    const first = await rebuildReadModel(
      options({ batchSize: 20, signal: controller.signal, onProgress: () => controller.abort() }),
    );
    expect(first).toMatchObject({ outcome: 'stopped', from: 3, to: 4, resumed: false });
    expect(first.events).toBeGreaterThan(0);
    expect(first.events).toBeLessThan(total);
    expect(await versions.serving()).toBe(3);
    const { rows } = await db.pool.query(
      'SELECT events FROM projection_checkpoints WHERE projection = $1 AND version = 4',
      ['ledger'],
    );
    expect(Number(rows[0].events)).toBe(first.events);

    const second = await rebuildReadModel(options({ keepOldVersion: true }));
    expect(second).toMatchObject({ outcome: 'switched', from: 3, to: 4, resumed: true, events: total - first.events });
    expect(await readModelSnapshot(db.pool, 4)).toEqual(incremental);
  });

  it('refuses a second rebuild while one is running (advisory lock)', async () => {
    const gated = gatedProjection();
    const controller = new AbortController();
    const running = rebuildReadModel(options({ projection: gated.projection, signal: controller.signal }));
    await gated.entered;
    await expect(rebuildReadModel(options())).rejects.toBeInstanceOf(RebuildInProgressError);
    controller.abort();
    gated.release();
    expect((await running).outcome).toBe('stopped');
  });

  it('runs as `ledger-cli rebuild`: progress on stderr, one summary line on stdout, exit 0', async () => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await runCli(['rebuild', '--batch-size', '50'], {
      env: { DATABASE_URL: db.url },
      stdout: (l) => stdout.push(l),
      stderr: (l) => stderr.push(l),
    });
    expect(code).toBe(0);
    // The run the lock test interrupted left v5 with a checkpoint: this one carries it on.
    expect(stderr[0]).toBe('rebuild: resuming rebuild of ledger v5 while v4 serves');
    expect(stderr).toContain('rebuild: switched: ledger v5 serves now');
    expect(stdout).toHaveLength(1);
    expect(stdout[0]).toMatch(
      /^rebuilt v5 from [\d,]+ events in [\d.]+ s \([\d,]+ events\/s\), resumed; v5 serves; deleted [\d,]+ rows of v4$/,
    );
    expect(await readModelSnapshot(db.pool, 5)).toEqual(incremental);
  });
});
