import { PostgresEventStore } from '@ledger/event-store';
import { LedgerProjection } from '@ledger/ledger-projection';
import { ProjectionRunner } from '@ledger/projection';
import { createTestDatabase, TestDatabase, waitFor } from '@ledger/testing';
import { BucketHistory, appendHistory } from '../../libs/operations/src/rebuild/testing/bucket-history';

const projection = new LedgerProjection({
  topics: { bucketState: 'test.state', balanceEvents: 'test.events' },
  hrefBase: 'http://ledger.test/v2',
});

describe('two projector instances', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  const runners: ProjectionRunner[] = [];
  const runner = () => {
    const r = new ProjectionRunner({ store, databaseUrl: db.url, projection, modelVersion: 1, batchSize: 50 });
    runners.push(r);
    return r;
  };
  const projected = async () =>
    Number((await db.pool.query('SELECT count(*) AS n FROM rm_balance_activity')).rows[0].n);
  const stored = async () => Number((await db.pool.query('SELECT count(*) AS n FROM event_store.events')).rows[0].n);

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, db.url);
  });
  afterAll(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    await store.close();
    await db.drop();
  });

  it('only one projects; the standby takes over when the active one dies, and nothing is missed or doubled', async () => {
    const history = new BucketHistory({ buckets: 10, seed: 5 });
    await appendHistory(store, history, 60);
    const active = runner();
    await active.start();
    const standby = runner();
    const standbyStarted = standby.start();
    await waitFor('the active instance to catch up', async () =>
      (await projected()) === (await stored()) ? true : undefined,
    );
    expect(active.holdsLock).toBe(true);
    expect(standby.holdsLock).toBe(false);

    // The active process dies: PostgreSQL loses its lock session, and the process never comes back.
    await db.pool.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'lock:projection:ledger:v1' AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)",
    );
    await active.stop();
    await appendHistory(store, history, 60);
    await standbyStarted;
    await waitFor('the standby to take over and catch up', async () =>
      (await projected()) === (await stored()) ? true : undefined,
    );
    expect(standby.holdsLock).toBe(true);
    const { rows } = await db.pool.query(
      'SELECT events FROM projection_checkpoints WHERE projection = $1 AND version = 1',
      ['ledger'],
    );
    expect(Number(rows[0].events)).toBe(await stored());
  });
});
