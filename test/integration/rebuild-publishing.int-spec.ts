import { Position, PostgresEventStore, RecordedEvent } from '@ledger/event-store';
import { LedgerProjection } from '@ledger/ledger-projection';
import { rebuildReadModel, verifyReadModel } from '@ledger/operations';
import { type OutboxRow, entryMessages } from '@ledger/outbox';
import { Projection, ProjectionRunner, ServingVersionRunner, atOrPast } from '@ledger/projection';
import { createTestDatabase, TestDatabase, waitFor } from '@ledger/testing';
import { BucketHistory, appendHistory } from '../../libs/operations/src/rebuild/testing/bucket-history';
import { versionsWithRows } from '../../libs/operations/src/rebuild/testing/read-model-snapshot';

const TOPICS = { bucketState: 'test.state', balanceEvents: 'test.events' };
const projection = new LedgerProjection({ topics: TOPICS, hrefBase: 'http://ledger.test/v2' });

interface Ledger {
  db: TestDatabase;
  store: PostgresEventStore;
  history: BucketHistory;
}

async function openLedger(): Promise<Ledger> {
  const db = await createTestDatabase();
  db.pool.on('error', () => undefined);
  return { db, store: new PostgresEventStore(db.pool, db.url), history: new BucketHistory({ buckets: 20, seed: 5 }) };
}

async function closeLedger(ledger: Ledger | undefined): Promise<void> {
  await ledger?.store.close();
  await ledger?.db.drop();
}

/** Version 1 projects the history; the relay then publishes and deletes its outbox rows. */
async function publishHistory({ db, store, history }: Ledger, steps: number): Promise<Position> {
  const runner = new ProjectionRunner({ store, databaseUrl: db.url, projection, modelVersion: 1, batchSize: 25 });
  await runner.start();
  const head = (await appendHistory(store, history, steps)) as Position;
  await waitFor('version 1 caught up', () => (atOrPast(runner.checkpoint, head) ? true : undefined), 20_000);
  await runner.stop();
  await db.pool.query('DELETE FROM outbox');
  return head;
}

/** The event ids of the outbox's balance-event messages, or of its bucket-state messages, in publishing order. */
async function outboxEventIds(db: TestDatabase, topic: string): Promise<string[]> {
  const { rows } = await db.pool.query<OutboxRow>('SELECT * FROM outbox ORDER BY id');
  return rows
    .flatMap((row) => entryMessages(row, TOPICS))
    .filter((m) => m.topic === topic)
    .map((m) => m.headers['event-id']);
}

async function eventsAfter(store: PostgresEventStore, position: Position): Promise<RecordedEvent[]> {
  return store.readAll(position, 100_000);
}

describe('rebuild and Kafka: nothing already published is published again', () => {
  let ledger: Ledger | undefined;
  afterEach(() => closeLedger(ledger));

  it('writes no outbox rows for events the serving version had already published', async () => {
    ledger = await openLedger();
    await publishHistory(ledger, 150);
    const { db, store } = ledger;
    const result = await rebuildReadModel({ store, pool: db.pool, databaseUrl: db.url, projection });
    expect(result).toMatchObject({ outcome: 'switched', from: 1, to: 2 });
    expect(result.events).toBeGreaterThan(150);
    expect((await db.pool.query('SELECT count(*)::int AS n FROM outbox')).rows[0].n).toBe(0);
    expect((await verifyReadModel({ store, databaseUrl: db.url })).differences).toEqual([]);
  });

  it('writes outbox rows, once each and in order, for the events appended while the rebuild ran', async () => {
    ledger = await openLedger();
    const published = await publishHistory(ledger, 150);
    const { db, store, history } = ledger;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const rebuilding = new Promise<void>((r) => (entered = r));
    const gated: Projection = {
      name: 'ledger',
      apply: async (events, ctx) => {
        entered();
        await gate;
        return projection.apply(events, ctx);
      },
    };
    const run = rebuildReadModel({ store, pool: db.pool, databaseUrl: db.url, projection: gated, batchSize: 50 });
    await rebuilding;
    await appendHistory(store, history, 30);
    release();
    expect((await run).outcome).toBe('switched');
    const appended = (await eventsAfter(store, published)).map((e) => e.id);
    expect(appended.length).toBeGreaterThanOrEqual(30);
    expect(await outboxEventIds(db, TOPICS.balanceEvents)).toEqual(appended);
    expect(await outboxEventIds(db, TOPICS.bucketState)).toEqual(appended);
  });

  it('publishes every event exactly once while the live projector serves v1, v2 is rebuilt beside it, and the projector follows the switch', async () => {
    ledger = await openLedger();
    const { db, store, history } = ledger;
    const projector = new ServingVersionRunner({
      pool: db.pool,
      store,
      databaseUrl: db.url,
      projection,
      batchSize: 50,
      pollMs: 100,
    });
    await projector.start();
    const head = (await appendHistory(store, history, 100)) as Position;
    await waitFor('v1 caught up', () => (atOrPast(projector.checkpoint, head) ? true : undefined), 20_000);
    await db.pool.query('DELETE FROM outbox');

    // Every rebuild batch lets one more command in, so v1 keeps publishing throughout the rebuild.
    let appending: Promise<unknown> = Promise.resolve();
    const result = await rebuildReadModel({
      store,
      pool: db.pool,
      databaseUrl: db.url,
      projection,
      batchSize: 10,
      onProgress: () => {
        appending = appending.then(() => appendHistory(store, history, 1));
      },
    });
    expect(result).toMatchObject({ outcome: 'switched', from: 1, to: 2 });
    await appending;
    await waitFor(
      'the projector runs v2',
      () => (projector.modelVersion === 2 && projector.holdsLock ? true : undefined),
      20_000,
    );
    await appendHistory(store, history, 20);
    const last = (await store.headPosition()) as Position;
    await waitFor('v2 caught up', () => (atOrPast(projector.checkpoint, last) ? true : undefined), 20_000);
    await projector.stop();

    const appended = (await eventsAfter(store, head)).map((e) => e.id);
    expect(appended.length).toBeGreaterThan(0);
    expect(await outboxEventIds(db, TOPICS.balanceEvents)).toEqual(appended);
    expect(await outboxEventIds(db, TOPICS.bucketState)).toEqual(appended);
    expect(await versionsWithRows(db.pool)).toEqual([2]);
    expect((await verifyReadModel({ store, databaseUrl: db.url })).differences).toEqual([]);
  });
});
