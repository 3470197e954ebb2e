import { Position, PostgresEventStore } from '@ledger/event-store';
import { LedgerProjection } from '@ledger/ledger-projection';
import { verifyReadModel } from '@ledger/operations';
import { ProjectionRunner, atOrPast } from '@ledger/projection';
import { createTestDatabase, TestDatabase, waitFor } from '@ledger/testing';
import { runCli } from '../../apps/ledger-cli/src/cli';
import { BucketHistory, appendHistory } from '../../libs/operations/src/rebuild/testing/bucket-history';

const projection = new LedgerProjection({
  topics: { bucketState: 'test.state', balanceEvents: 'test.events' },
  hrefBase: 'http://ledger.test/v2',
});

describe('ledger-cli verify (the serving read model against a fresh in-memory fold of every event)', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let runner: ProjectionRunner;
  const history = new BucketHistory({ buckets: 20, seed: 3 });

  async function cli(...argv: string[]) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const code = await runCli(argv, {
      env: { DATABASE_URL: db.url },
      stdout: (l) => stdout.push(l),
      stderr: (l) => stderr.push(l),
    });
    return { code, stdout, stderr };
  }

  async function caughtUp(head: Position | undefined): Promise<void> {
    await waitFor('version 1 caught up', () => (atOrPast(runner.checkpoint, head) ? true : undefined), 20_000);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    db.pool.on('error', () => undefined);
    store = new PostgresEventStore(db.pool, db.url);
    runner = new ProjectionRunner({ store, databaseUrl: db.url, projection, modelVersion: 1, batchSize: 13 });
    await runner.start();
    await caughtUp(await appendHistory(store, history, 200));
  });

  afterAll(async () => {
    await runner?.stop();
    await store?.close();
    await db?.drop();
  });

  it('prints "0 differences" and exits 0 on a healthy read model', async () => {
    const { code, stdout, stderr } = await cli('verify');
    expect(stdout).toEqual(['0 differences']);
    expect(stderr.join('\n')).toMatch(/verify: folded \d+ events up to v1's checkpoint \d+\/\d+/);
    expect(code).toBe(0);
  });

  it('compares one snapshot: a projector moving on while it runs causes no difference', async () => {
    const appending = appendHistory(store, history, 60);
    const result = await verifyReadModel({ store, databaseUrl: db.url, batchSize: 17 });
    const head = await appending;
    expect(result.differences).toEqual([]);
    expect(result.events).toBeGreaterThan(200);
    await caughtUp(head);
  });

  it('reports the exact row, field, expected and actual value of a field tampered by SQL, and exits 1', async () => {
    await runner.stop();
    const {
      rows: [bucket],
    } = await db.pool.query<{ id: string; amount: string }>(
      "SELECT id, doc->'amount'->>'amount' AS amount FROM rm_buckets WHERE model_version = 1 AND NOT deleted ORDER BY id LIMIT 1",
    );
    await db.pool.query(
      `UPDATE rm_buckets SET doc = jsonb_set(doc, '{amount,amount}', '"999999"') WHERE model_version = 1 AND id = $1`,
      [bucket.id],
    );

    expect((await verifyReadModel({ store, databaseUrl: db.url })).differences).toEqual([
      { kind: 'bucket', id: bucket.id, path: 'doc.amount.amount', expected: bucket.amount, actual: '999999' },
    ]);
    const { code, stdout } = await cli('verify');
    expect(stdout).toEqual([
      `bucket ${bucket.id} doc.amount.amount: expected "${bucket.amount}", actual "999999"`,
      '1 difference',
    ]);
    expect(code).toBe(1);
  });

  it('lists every difference: missing, unexpected and changed rows of each kind', async () => {
    const {
      rows: [topup],
    } = await db.pool.query<{ id: string }>(
      'DELETE FROM rm_topups WHERE id = (SELECT min(id) FROM rm_topups) RETURNING id',
    );
    await db.pool.query(`INSERT INTO rm_adjustments (model_version, id, bucket_id, revision, doc, created_at)
      SELECT model_version, 'a-stray', bucket_id, revision, doc, created_at FROM rm_adjustments WHERE model_version = 1 LIMIT 1`);
    const {
      rows: [activity],
    } = await db.pool.query<{ id: string; revision: string }>(
      'UPDATE rm_balance_activity SET revision = revision + 100 WHERE id = (SELECT min(id) FROM rm_balance_activity) RETURNING id, revision',
    );

    const { differences } = await verifyReadModel({ store, databaseUrl: db.url });
    expect(differences).toHaveLength(4);
    expect(differences).toEqual(
      expect.arrayContaining([
        {
          kind: 'activity',
          id: activity.id,
          path: 'revision',
          expected: String(Number(activity.revision) - 100),
          actual: activity.revision,
        },
        expect.objectContaining({ kind: 'bucket', path: 'doc.amount.amount', actual: '999999' }),
        { kind: 'topup', id: topup.id, path: '(row)', expected: 'present', actual: 'missing' },
        { kind: 'adjustment', id: 'a-stray', path: '(row)', expected: 'absent', actual: 'present' },
      ]),
    );
    const { code, stdout } = await cli('verify');
    expect(stdout[stdout.length - 1]).toBe('4 differences');
    expect(code).toBe(1);
  });
});
