import { createTestDatabase, TestDatabase, waitFor } from '@ledger/testing';
import { ProjectionWaiter } from './projection-waiter';

describe('ProjectionWaiter (read-your-writes) on PostgreSQL', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    db.pool.on('error', () => undefined);
    await db.pool.query("INSERT INTO projection_checkpoints (projection, version) VALUES ('ledger', 1), ('ledger', 2)");
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** What a projector batch does: move the checkpoint in its own transaction (projection_advance notifies). */
  async function advance(version: number, from: [number, number], to: [number, number]): Promise<void> {
    await db.pool.query("SELECT * FROM projection_advance('ledger', $1, $2, $3, $4, $5, 1)", [version, ...from, ...to]);
  }

  const listening = async () =>
    (
      await db.pool.query(
        "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'projection-waiter' AND query ILIKE 'LISTEN%'",
      )
    ).rowCount === 1 || undefined;

  it('ends a wait on the checkpoint notification of the serving version, without polling', async () => {
    // A poll every minute: only the notification can end this wait within the test's time.
    const waiter = new ProjectionWaiter({ pool: db.pool, databaseUrl: db.url, pollMs: 60_000 });
    try {
      const waiting = waiter.waitFor({ commit: 10n, prepare: 5n }, 120_000);
      await waitFor('the LISTEN session', listening);
      await advance(1, [0, 0], [10, 4]);
      await advance(1, [10, 4], [10, 5]);
      await expect(waiting).resolves.toBe(true);
      // Already passed: answered from what it knows.
      await expect(waiter.waitFor({ commit: 9n, prepare: 100n }, 0)).resolves.toBe(true);
    } finally {
      await waiter.close();
    }
  }, 30_000);

  it('ignores checkpoints of a version that does not serve, learns a switch (either way) by polling, and times out honestly', async () => {
    const waiter = new ProjectionWaiter({ pool: db.pool, databaseUrl: db.url, pollMs: 20 });
    try {
      // v2 is ahead of the position but does not serve yet: the wait must not end on it.
      await advance(2, [0, 0], [20, 1]);
      await expect(waiter.waitFor({ commit: 15n, prepare: 0n }, 300)).resolves.toBe(false);

      const waiting = waiter.waitFor({ commit: 15n, prepare: 0n }, 20_000);
      await db.pool.query("UPDATE read_model_versions SET current_version = 2 WHERE name = 'ledger'");
      await expect(waiting).resolves.toBe(true);

      // Switched back to v1 (a rebuild kept with --keep-old and undone), which is behind.
      await db.pool.query("UPDATE read_model_versions SET current_version = 1 WHERE name = 'ledger'");
      const back = waiter.waitFor({ commit: 15n, prepare: 0n }, 20_000);
      await new Promise((r) => setTimeout(r, 100));
      await advance(1, [10, 5], [16, 0]);
      await expect(back).resolves.toBe(true);
    } finally {
      await waiter.close();
    }
  }, 30_000);
});
