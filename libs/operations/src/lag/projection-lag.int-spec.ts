import { Client } from 'pg';
import { AppendResult, InMemoryEventStore, Position, PostgresEventStore } from '@ledger/event-store';
import { createTestDatabase, TestDatabase, waitFor } from '@ledger/testing';
import { OUTBOX_RELAY_LOCK_KEY } from '@ledger/outbox';
import { AdvisoryLock, projectionLockKey } from '@ledger/projection';
import { ProjectionLag, measureProjectionLag } from './projection-lag';

const TWO_MINUTES_AGO = new Date(Date.now() - 120_000);
const text = (p: Position) => ({ commit: p.commit.toString(), prepare: p.prepare.toString() });

async function setCheckpoint(db: TestDatabase, position: Position): Promise<void> {
  await db.pool.query(
    `INSERT INTO projection_checkpoints (projection, version, commit_pos, prepare_pos) VALUES ('ledger', 1, $1, $2)
     ON CONFLICT (projection, version) DO UPDATE SET commit_pos = EXCLUDED.commit_pos, prepare_pos = EXCLUDED.prepare_pos`,
    [position.commit.toString(), position.prepare.toString()],
  );
}

describe('projection lag on the PostgreSQL event store', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let first: AppendResult;
  let last: AppendResult;

  const append = (bucketId: string, count: number) =>
    store.append(
      `bucket-${bucketId}`,
      Array.from({ length: count }, (_, i) => ({ type: 'BalanceAdjusted', data: { bucketId, i } })),
      'any',
    );
  // Transaction ids are cluster-wide: another database's open writer can hide fresh events for a
  // moment, so expectations about counts wait (bounded) instead of reading once.
  const measureUntil = (what: string, done: (lag: ProjectionLag) => boolean, options = {}) =>
    waitFor(what, async () => {
      const lag = await measureProjectionLag(db.pool, store, options);
      return done(lag) ? lag : undefined;
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    db.pool.on('error', () => undefined);
    store = new PostgresEventStore(db.pool, db.url, { clock: () => TWO_MINUTES_AGO });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  it('reports nothing behind, no outbox and no lock holders on an empty store', async () => {
    const lag = await measureProjectionLag(db.pool, store);
    expect(lag).toMatchObject({
      projection: 'ledger',
      modelVersion: 1,
      checkpoint: null,
      head: null,
      eventsBehind: 0,
      eventsBehindCapped: false,
      secondsBehind: 0,
      outboxBacklog: 0,
      oldestOutboxAgeSeconds: 0,
      locks: { projection: { held: false, pid: null }, outboxRelay: { held: false, pid: null } },
    });
    expect(lag.oldestWriteTransactionSeconds).toEqual(expect.any(Number));
  });

  it('counts the events after a checkpoint that is behind, and the age of the oldest one', async () => {
    first = await append('a', 1);
    last = await append('b', 4);
    await setCheckpoint(db, first.position);
    const lag = await measureUntil('4 events behind', (l) => l.eventsBehind === 4);
    expect(lag).toMatchObject({
      checkpoint: text(first.position),
      head: text(last.position),
      eventsBehindCapped: false,
    });
    expect(lag.secondsBehind).toBeGreaterThanOrEqual(119);
    expect(lag.checkpointUpdatedAt).toEqual(expect.any(String));
  });

  it('reports a capped count as a lower bound', async () => {
    const lag = await measureUntil('capped count', (l) => l.eventsBehindCapped, { countCap: 3 });
    expect(lag.eventsBehind).toBe(3);
  });

  it('reports the outbox backlog and the age of its oldest row', async () => {
    await db.pool.query(
      `INSERT INTO outbox (bucket_id, event_id, event_type, version, correlation_id, state, event, created_at)
       VALUES ('a', gen_random_uuid(), 'BucketOpened', 0, 'c', '{}', '{}', now() - interval '45 seconds'),
              ('a', gen_random_uuid(), 'BalanceAdjusted', 1, 'c', '{}', '{}', now()),
              ('b', gen_random_uuid(), 'BucketOpened', 0, 'c', '{}', '{}', now())`,
    );
    const lag = await measureProjectionLag(db.pool, store);
    expect(lag).toMatchObject({ outboxBacklog: 3, outboxBacklogCapped: false });
    expect(lag.oldestOutboxAgeSeconds).toBeGreaterThanOrEqual(45);
    expect(await measureProjectionLag(db.pool, store, { countCap: 2 })).toMatchObject({
      outboxBacklog: 2,
      outboxBacklogCapped: true,
    });
  });

  it('reports no lag once the checkpoint is at the head', async () => {
    await setCheckpoint(db, last.position);
    const lag = await measureUntil(
      'caught up',
      (l) => l.head !== null && l.head.prepare === last.position.prepare.toString(),
    );
    expect(lag).toMatchObject({ checkpoint: text(last.position), eventsBehind: 0, secondsBehind: 0 });
  });

  it('names the sessions holding the projection and outbox-relay locks', async () => {
    const projection = new AdvisoryLock(db.url, projectionLockKey('ledger', 1));
    const relay = new AdvisoryLock(db.url, OUTBOX_RELAY_LOCK_KEY);
    const [projectionClient, relayClient] = await Promise.all([
      projection.acquire(() => false),
      relay.acquire(() => false),
    ]);
    try {
      const { locks } = await measureProjectionLag(db.pool, store);
      const pid = (client: Client | undefined) => (client as unknown as { processID: number }).processID;
      expect(locks.projection).toEqual({
        held: true,
        pid: pid(projectionClient),
        applicationName: 'lock:projection:ledger:v1',
      });
      expect(locks.outboxRelay).toEqual({ held: true, pid: pid(relayClient), applicationName: 'lock:outbox-relay' });
    } finally {
      await Promise.all([projection.release(), relay.release()]);
    }
    const after = await waitFor('locks released', async () => {
      const { locks } = await measureProjectionLag(db.pool, store);
      return locks.projection.held || locks.outboxRelay.held ? undefined : locks;
    });
    expect(after.projection.pid).toBeNull();
  });

  it('does not mistake a lock of another projection version for the serving one', async () => {
    const other = new AdvisoryLock(db.url, projectionLockKey('ledger', 2));
    await other.acquire(() => false);
    try {
      expect((await measureProjectionLag(db.pool, store)).locks.projection.held).toBe(false);
      expect((await measureProjectionLag(db.pool, store, { modelVersion: 2 })).locks.projection.held).toBe(true);
    } finally {
      await other.release();
    }
  });

  it('shows a long write transaction, which hides the events committed after it', async () => {
    const writer = new Client({ connectionString: db.url });
    await writer.connect();
    try {
      await writer.query('BEGIN');
      await writer.query('SELECT pg_current_xact_id()');
      await append('c', 2);
      const lag = await measureUntil('writer seen', (l) => (l.oldestWriteTransactionSeconds ?? 0) > 0);
      expect(lag.eventsBehind).toBe(0);
    } finally {
      await writer.query('ROLLBACK');
      await writer.end();
    }
    await measureUntil('hidden events visible', (l) => l.eventsBehind === 2);
  });
});

describe('projection lag on an adapter without a SQL count', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('counts by reading one batch and leaves the transaction horizon out', async () => {
    const store = new InMemoryEventStore({ clock: () => TWO_MINUTES_AGO });
    await store.append(
      'bucket-x',
      [1, 2, 3].map((i) => ({ type: 'BalanceAdjusted', data: { bucketId: 'x', i } })),
      'any',
    );
    const lag = await measureProjectionLag(db.pool, store);
    expect(lag).toMatchObject({
      checkpoint: null,
      eventsBehind: 3,
      eventsBehindCapped: false,
      oldestWriteTransactionSeconds: null,
    });
    expect(lag.secondsBehind).toBeGreaterThanOrEqual(119);
    expect(await measureProjectionLag(db.pool, store, { countCap: 2 })).toMatchObject({
      eventsBehind: 2,
      eventsBehindCapped: true,
    });
    await store.close();
  });
});
