import { Client } from 'pg';
import { createTestDatabase, TestDatabase, waitFor } from '@ledger/testing';
import { DuplicateEventId, StreamVersionConflict } from '../event-store.errors';
import { verifyStream } from '../hash-chain';
import { describeEventStoreContract, EventStoreHarness } from '../testing/event-store.contract';
import { appendInTransaction } from './postgres-append';
import { PostgresEventStore } from './postgres-event-store';
import { AppendNotifier } from './append-notifier';
import { NotificationListener } from './notification-listener';
import { APPEND_CHANNEL, SQL } from './postgres-queries';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * pool.end() resolves before its sessions have exited, so DROP DATABASE ... FORCE may terminate
 * one that is still closing; without a listener that 'error' would be reported as unhandled.
 */
function ignoreTeardownErrors(db: TestDatabase): TestDatabase {
  db.pool.on('error', () => undefined);
  return db;
}

async function harness(db: TestDatabase): Promise<EventStoreHarness> {
  const store = new PostgresEventStore(db.pool, db.url);
  return {
    store,
    teardown: async () => {
      await store.close();
      await db.drop();
    },
    tamper: async (stream, revision, data) => {
      await db.pool.query('UPDATE event_store.events SET data = $3 WHERE stream_id = $1 AND revision = $2', [
        stream,
        revision.toString(),
        data,
      ]);
    },
    failNextReads: (count) => {
      let left = count;
      const query = db.pool.query.bind(db.pool);
      // pg's query overloads include callback forms that return void; the store only uses the promise form.
      // eslint-disable-next-line @typescript-eslint/no-misused-promises
      const spy = jest.spyOn(db.pool, 'query').mockImplementation(((...args: Parameters<typeof query>) => {
        const isGlobalRead = (args[0] as { name?: string }).name === 'event-store/read-all';
        if (left === 0 || !isGlobalRead) return query(...args);
        if (--left === 0) spy.mockRestore();
        return Promise.reject(new Error('injected read failure'));
      }) as typeof db.pool.query);
      return { pending: () => left };
    },
    concurrentWriters: {
      async appendHeld(stream, events, holdMs, outcome) {
        const client = await db.pool.connect();
        try {
          await client.query('BEGIN');
          await appendInTransaction(client, {
            stream,
            events,
            expected: 'any',
            options: {},
            recordedAt: new Date().toISOString(),
          });
          await sleep(holdMs);
          await client.query(outcome === 'commit' ? 'COMMIT' : 'ROLLBACK');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        } finally {
          client.release();
        }
      },
    },
  };
}

describeEventStoreContract(
  'PostgresEventStore',
  async () => harness(ignoreTeardownErrors(await createTestDatabase({ poolMax: 24 }))),
  { concurrentWriters: true },
);

describe('PostgresEventStore on PostgreSQL', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = ignoreTeardownErrors(await createTestDatabase());
    store = new PostgresEventStore(db.pool, db.url);
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('holds readers back while an older transaction is open, then shows its events first', async () => {
    await store.append('horizon-0', [{ type: 'Before', data: {} }], 'no_stream');
    const before = await waitFor('the first event', async () => (await store.headPosition()) ?? undefined);
    const slow = new Client({ connectionString: db.url });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      await slow.query(`INSERT INTO event_store.events (event_id, stream_id, revision, event_type, data, metadata, recorded_at)
        VALUES (gen_random_uuid(), 'horizon-slow', 0, 'Slow', '{}', '{}', now())`);
      const fast = await store.append('horizon-fast', [{ type: 'Fast', data: {} }], 'no_stream');
      expect(await store.readAll(before, 10)).toEqual([]);
      expect(await store.headPosition()).toEqual(before);
      await slow.query('COMMIT');
      const after = await waitFor('both events', async () => {
        const events = await store.readAll(before, 10);
        return events.length === 2 ? events : undefined;
      });
      expect(after.map((e) => e.type)).toEqual(['Slow', 'Fast']);
      expect(after[1].position).toEqual(fast.position);
    } finally {
      await slow.end();
    }
  });

  it('wakes LISTEN sessions by a NOTIFY after commit, also after the LISTEN session dropped', async () => {
    let notifications = 0;
    const errors: unknown[] = [];
    const listener = new NotificationListener({
      connectionString: db.url,
      channel: APPEND_CHANNEL,
      reconnectDelayMs: 20,
      onNotification: () => notifications++,
      onError: (error) => errors.push(error),
    });
    const notifier = new AppendNotifier({ connectionString: db.url, channel: APPEND_CHANNEL });
    const listenerPids = async () =>
      (
        await db.pool.query(`SELECT pid FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = 'event-store-listener' AND query ILIKE 'LISTEN%'`)
      ).rows;
    try {
      listener.start();
      const [first] = await waitFor('the LISTEN session', async () =>
        (await listenerPids()).length ? listenerPids() : undefined,
      );
      const afterConnect = notifications;
      notifier.notify();
      await waitFor('a notification', () => (notifications > afterConnect ? true : undefined));
      await db.pool.query('SELECT pg_terminate_backend($1)', [first.pid]);
      await waitFor('a new LISTEN session', async () => {
        const pids = await listenerPids();
        return pids.length === 1 && pids[0].pid !== first.pid ? true : undefined;
      });
      const afterReconnect = notifications;
      notifier.notify();
      await waitFor('a notification after the reconnect', () => (notifications > afterReconnect ? true : undefined));
      expect(errors).toHaveLength(1);
    } finally {
      await Promise.all([listener.close(), notifier.close()]);
    }
  });

  it('delivers live to a subscriber of another store instance, as in another process', async () => {
    const other = new PostgresEventStore(db.pool, db.url);
    const seen: string[] = [];
    const subscription = other.subscribe((await other.headPosition()) ?? 'start', async (batch) => {
      seen.push(...batch.filter((e) => e.stream === 'elsewhere').map((e) => e.type));
    });
    try {
      await store.append(
        'elsewhere',
        [
          { type: 'First', data: {} },
          { type: 'Second', data: {} },
        ],
        'no_stream',
      );
      await waitFor('both events', () => (seen.length === 2 ? true : undefined));
      expect(seen).toEqual(['First', 'Second']);
    } finally {
      await subscription.stop();
      await other.close();
    }
  });

  it('appends to a head it remembers in one statement, and a remembered head made stale by another process costs nothing but a re-read', async () => {
    const other = new PostgresEventStore(db.pool, db.url);
    const spy = jest.spyOn(db.pool, 'query');
    const statements = () => spy.mock.calls.map(([config]) => (config as { name?: string }).name);
    try {
      const first = await store.append('heads', [{ type: 'A', data: {} }], 'no_stream');
      spy.mockClear();
      await store.append('heads', [{ type: 'B', data: {} }], first.nextRevision);
      expect(statements()).toEqual(['event-store/append']);

      // Another process moves the stream on; this store still remembers revision 1 as the head.
      const moved = await other.append('heads', [{ type: 'C', data: {} }], 1n);
      await expect(store.append('heads', [{ type: 'Stale', data: {} }], 1n)).rejects.toThrow(StreamVersionConflict);
      const next = await store.append('heads', [{ type: 'D', data: {} }], moved.nextRevision);
      expect(next.nextRevision).toBe(3n);

      const read = await store.readStream('heads');
      expect(read.found && read.events.map((e) => e.type)).toEqual(['A', 'B', 'C', 'D']);
      expect(read.found && verifyStream(read.events)).toEqual({ ok: true, count: 4 });
    } finally {
      spy.mockRestore();
      await other.close();
    }
  });

  it('rejects an event id that is already stored, writing nothing', async () => {
    const id = '5b6f3f0e-8d4c-4b7a-9f44-0c6e2a1d9b10';
    await store.append('dup-a', [{ id, type: 'X', data: {} }], 'no_stream');
    await expect(
      store.append(
        'dup-b',
        [
          { type: 'Y', data: {} },
          { id: id.toUpperCase(), type: 'X', data: {} },
        ],
        'no_stream',
      ),
    ).rejects.toEqual(new DuplicateEventId(id));
    expect(await store.readStream('dup-b')).toEqual({ found: false });
  });

  it('reads the global order and the head by range scans on one index, without sorting', async () => {
    await db.pool
      .query(`INSERT INTO event_store.events (event_id, stream_id, revision, event_type, data, metadata, recorded_at)
      SELECT gen_random_uuid(), 'bulk-' || (n % 500), n / 500, 'Bulk', '{}', '{}', now() FROM generate_series(0, 49999) AS n`);
    await db.pool.query('ANALYZE event_store.events');
    const client = await db.pool.connect();
    const plan = async (sql: string) => (await client.query(sql)).rows.map((r) => r['QUERY PLAN']).join('\n');
    try {
      await client.query(`PREPARE read_all(xid8, bigint, int) AS ${SQL.readAll}`);
      for (const mode of ['force_custom_plan', 'force_generic_plan']) {
        await client.query(`SET plan_cache_mode = ${mode}`);
        const readAll = await plan("EXPLAIN EXECUTE read_all('0', 0, 1000)");
        expect(readAll).toMatch(/Index Scan using events_global_order_idx/);
        expect(readAll).not.toMatch(/Sort/);
      }
      expect(await plan(`EXPLAIN ${SQL.headPosition}`)).toMatch(
        /Index (Only )?Scan Backward using events_global_order_idx/,
      );
    } finally {
      await client.query('DEALLOCATE ALL; RESET plan_cache_mode');
      client.release();
    }
  });
});
