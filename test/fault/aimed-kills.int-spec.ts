import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { PostgresEventStore, Position } from '@ledger/event-store';
import { createKafka } from '@ledger/kafka-publisher';
import { OUTBOX_RELAY_LOCK_KEY } from '@ledger/outbox';
import { databaseName } from '@ledger/postgres';
import { createTestDatabase, TestDatabase, waitFor } from '@ledger/testing';
import { ChildHandle, seededRandom } from '../support/processes';
import {
  BucketWorkload,
  checkpointAt,
  checkVersions,
  deliveryCounts,
  endOfTopic,
  lastAppendedPosition,
  readAllEvents,
  readTopic,
  ReceivedMessage,
  redeliveryDiscrepancies,
} from './fault-support';
import { buildOracle, readModelDiscrepancies, stateMessageDiscrepancies } from './ledger-oracle';
import { buildProjector, ProjectorBuild } from './projector-build';

/**
 * Kills aimed with PostgreSQL's own locks, each at a point a claim is about, and what each leaves:
 *
 * 1. Inside a projection batch's open transaction. A batch is one statement (ledger_project_batch),
 *    which moves the checkpoint first and writes the read-model tables after it. The test holds
 *    LOCK TABLE rm_balance_activity IN SHARE MODE (a table lock takes no transaction id, so the
 *    event store's read horizon stays where it is), so the batch blocks half written. The test
 *    sees it waiting in pg_stat_activity with a transaction id and, in pg_locks, holding its locks
 *    on the checkpoint and the tables it already wrote; it cannot move on while the lock is held,
 *    so what the test saw is still true when the SIGKILL lands. Then:
 *    a. with client_connection_check_interval set for the database, the server notices the dead
 *       client and ends the backend by itself while the lock is still held: rolled back;
 *    b. with the default (0), the test ends the backend with pg_terminate_backend: rolled back;
 *    c. control, with neither: the orphaned backend waits, and commits the batch the moment the
 *       lock is released. This is why a kill "during a batch" proves nothing by itself.
 *    Rolled back means: checkpoint unchanged, no activity or outbox row of the batch's events, and
 *    the read model equal to the oracle of the events up to the checkpoint. Each batch is then
 *    redone exactly once by the next instance.
 * 2. Between the Kafka acknowledgement and the outbox delete. The relay deletes what it published
 *    with its next read (`WITH published AS (DELETE ...) SELECT ...`). The test holds the relay's
 *    advisory lock while the projector fills the outbox, locks those rows FOR UPDATE, then lets
 *    the relay take its lock: it reads and publishes the rows (a plain SELECT does not wait for
 *    row locks), and its delete then waits for the test. A consumer sees the messages first, then
 *    the process is SIGKILLed and its backend terminated. The rows stay, the next relay publishes
 *    them again, and the consumer sees exactly those versions twice and everything else once.
 */

jest.setTimeout(60_000);

const BUCKETS = 6;
const PROJECTION_SESSION = 'lock:projection:ledger:v1';
const RELAY_SESSION = `lock:${OUTBOX_RELAY_LOCK_KEY}`;

type RollbackMode = 'check-interval' | 'terminate' | 'control';

interface BatchKill {
  mode: RollbackMode;
  eventIds: string[];
  xidAssigned: boolean;
  /** Relations the blocked backend held locks on, and the one it waited for. */
  held: string[];
  waitingFor: string[];
  /** The backend ended while the test still held the table lock. */
  endedUnderLock: boolean;
  checkpointBefore: Position;
  checkpointAfter: Position;
  rowsOfBatchAfter: { activity: number; outbox: number };
  prefixDiscrepancies: string[];
}

describe('kills aimed inside a batch transaction and between the Kafka ack and the outbox delete', () => {
  const suffix = randomUUID().slice(0, 8);
  const topics = {
    bucketState: `fault.aimed.bucket-state.${suffix}`,
    balanceEvents: `fault.aimed.balance-events.${suffix}`,
  };
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  let build: ProjectorBuild;
  let db: TestDatabase;
  let store: PostgresEventStore;
  let kafka: Kafka;
  let workload: BucketWorkload;
  let projector: ChildHandle | undefined;
  let spawned = 0;
  const batchKills: BatchKill[] = [];
  let redelivered: { bucketId: string; version: number }[] = [];

  async function startProjector(): Promise<ChildHandle> {
    projector = build.spawn('apps/projector/src/main.ts', `projector#${++spawned}`, {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: brokers.join(','),
      KAFKA_CLIENT_ID: `fault-aimed-${suffix}`,
      KAFKA_TOPIC_BUCKET_STATE: topics.bucketState,
      KAFKA_TOPIC_BALANCE_EVENTS: topics.balanceEvents,
      KAFKA_TOPIC_PARTITIONS: '3',
      PUBLIC_BASE_URL: 'http://ledger.test',
    });
    await projector.waitForLine(/holds the projection lock/, 60_000);
    return projector;
  }

  async function session(): Promise<Client> {
    const client = new Client({ connectionString: db.url, application_name: 'fault-aimed-test' });
    await client.connect();
    return client;
  }

  async function count(sql: string, values: unknown[] = []): Promise<number> {
    return Number((await db.pool.query<{ n: string }>(sql, values)).rows[0].n);
  }

  async function checkpoint(): Promise<Position> {
    const { rows } = await db.pool.query<{ commit_pos: string; prepare_pos: string }>(
      "SELECT commit_pos, prepare_pos FROM projection_checkpoints WHERE projection = 'ledger' AND version = 1",
    );
    return { commit: BigInt(rows[0].commit_pos), prepare: BigInt(rows[0].prepare_pos) };
  }

  async function caughtUp(): Promise<void> {
    const last = await lastAppendedPosition(db.pool);
    let seen = '';
    try {
      await waitFor(
        'the checkpoint at the last event and the outbox drained',
        async () => {
          const at = await checkpointAt(db.pool, last);
          const outbox = await count('SELECT count(*) AS n FROM outbox');
          seen = `${at.describe}, outbox ${outbox}`;
          return at.reached && outbox === 0 ? true : undefined;
        },
        60_000,
        50,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; last seen ${seen}; projector:\n${projector?.tail(40)}`, {
        cause: error,
      });
    }
  }

  /** One command on every bucket; returns the ids of the events appended. */
  async function appendRound(): Promise<string[]> {
    const before = await count('SELECT count(*) AS n FROM event_store.events');
    for (let i = 0; i < BUCKETS; i++) await workload.step(i);
    const { rows } = await db.pool.query<{ id: string }>(
      'SELECT event_id::text AS id FROM event_store.events ORDER BY transaction_id, global_position OFFSET $1',
      [before],
    );
    return rows.map((r) => r.id);
  }

  async function backendGone(pid: number, timeoutMs: number): Promise<boolean> {
    try {
      await waitFor(
        `backend ${pid} to end`,
        async () =>
          (await count('SELECT count(*) AS n FROM pg_stat_activity WHERE pid = $1', [pid])) === 0 ? true : undefined,
        timeoutMs,
        20,
      );
      return true;
    } catch {
      return false;
    }
  }

  async function killInsideBatch(mode: RollbackMode): Promise<BatchKill> {
    const interval = mode === 'check-interval' ? "'100ms'" : 'DEFAULT';
    // Database settings apply to sessions opened afterwards: the next projector's.
    await db.pool.query(`ALTER DATABASE "${databaseName(db.url)}" SET client_connection_check_interval = ${interval}`);
    await projector?.kill('SIGKILL');
    const proc = await startProjector();
    await caughtUp();
    const checkpointBefore = await checkpoint();
    const locker = await session();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE rm_balance_activity IN SHARE MODE');
      const eventIds = await appendRound();
      const blocked = await waitFor(
        'the batch statement to wait for the test lock',
        async () => {
          const { rows } = await db.pool.query<{ pid: number; xid: string | null }>(
            `SELECT pid, backend_xid::text AS xid FROM pg_stat_activity
              WHERE datname = current_database() AND application_name = $1 AND wait_event_type = 'Lock'
                AND query LIKE '%ledger_project_batch(%'`,
            [PROJECTION_SESSION],
          );
          return rows[0];
        },
        30_000,
      );
      const { rows: locks } = await db.pool.query<{ relname: string; granted: boolean; mode: string }>(
        `SELECT c.relname, l.granted, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
          WHERE l.pid = $1 AND c.relkind = 'r' ORDER BY c.relname`,
        [blocked.pid],
      );
      const status = await proc.kill('SIGKILL');
      if (status.signal !== 'SIGKILL') throw new Error(`the projector exited by itself: ${JSON.stringify(status)}`);
      let endedUnderLock = false;
      if (mode === 'check-interval') endedUnderLock = await backendGone(blocked.pid, 10_000);
      if (mode === 'terminate') {
        await db.pool.query('SELECT pg_terminate_backend($1)', [blocked.pid]);
        endedUnderLock = await backendGone(blocked.pid, 10_000);
      }
      await locker.query('COMMIT');
      if (mode === 'control' && !(await backendGone(blocked.pid, 10_000)))
        throw new Error('the orphaned backend never ended');
      const checkpointAfter = await checkpoint();
      const prefix = buildOracle(await readAllEvents(store), checkpointAfter);
      return {
        mode,
        eventIds,
        xidAssigned: blocked.xid !== null,
        held: locks.filter((l) => l.granted && l.mode === 'RowExclusiveLock').map((l) => l.relname),
        waitingFor: locks.filter((l) => !l.granted).map((l) => l.relname),
        endedUnderLock,
        checkpointBefore,
        checkpointAfter,
        rowsOfBatchAfter: {
          activity: await count('SELECT count(*) AS n FROM rm_balance_activity WHERE id = ANY($1)', [eventIds]),
          outbox: await count('SELECT count(*) AS n FROM outbox WHERE event_id::text = ANY($1)', [eventIds]),
        },
        prefixDiscrepancies: await readModelDiscrepancies(db.pool, prefix),
      };
    } finally {
      await locker.end().catch(() => undefined);
    }
  }

  beforeAll(async () => {
    build = buildProjector();
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, db.url);
    kafka = createKafka({ brokers, clientId: `fault-aimed-reader-${suffix}` });
    const ids = Array.from({ length: BUCKETS }, (_, i) => `fa-${suffix}-${i}`);
    workload = new BucketWorkload(store, seededRandom(0xa1eed), ids);
    await workload.openAll();
    for (let round = 0; round < 20; round++) await appendRound();
  }, 120_000);

  afterAll(async () => {
    await projector?.kill('SIGKILL');
    await store?.close().catch(() => undefined);
    const admin = kafka?.admin();
    if (admin) {
      await admin
        .connect()
        .then(() => admin.deleteTopics({ topics: [topics.bucketState, topics.balanceEvents] }))
        .catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
    await db?.drop();
    build?.remove();
  }, 60_000);

  const rolledBack = (kill: BatchKill) => {
    // The kill landed inside the open transaction: a transaction id (it had written), row locks on
    // the checkpoint and the tables written before the one it waited for.
    expect(kill.xidAssigned).toBe(true);
    expect(kill.held).toEqual(expect.arrayContaining(['projection_checkpoints', 'rm_buckets']));
    expect(kill.waitingFor).toEqual(['rm_balance_activity']);
    expect(kill.endedUnderLock).toBe(true);
    // ... and the server undid it.
    expect(kill.checkpointAfter).toEqual(kill.checkpointBefore);
    expect(kill.rowsOfBatchAfter).toEqual({ activity: 0, outbox: 0 });
    expect(kill.prefixDiscrepancies).toEqual([]);
  };

  it('a batch killed inside its transaction is rolled back by the server itself (client_connection_check_interval)', async () => {
    const kill = await killInsideBatch('check-interval');
    batchKills.push(kill);
    rolledBack(kill);
  });

  it('a batch killed inside its transaction is rolled back once its backend is terminated (check interval 0)', async () => {
    const kill = await killInsideBatch('terminate');
    batchKills.push(kill);
    rolledBack(kill);
  });

  it('control: SIGKILL alone does not undo a batch in flight; the orphaned backend commits it once unblocked', async () => {
    const kill = await killInsideBatch('control');
    batchKills.push(kill);
    expect(kill.xidAssigned).toBe(true);
    expect(kill.checkpointAfter).not.toEqual(kill.checkpointBefore);
    // The blocked batch (the first of the appended events the subscription delivered) committed
    // with its outbox rows; the oracle of the events up to the new checkpoint holds exactly.
    expect(kill.rowsOfBatchAfter.activity).toBeGreaterThan(0);
    expect(kill.rowsOfBatchAfter.outbox).toBe(kill.rowsOfBatchAfter.activity);
    expect(kill.prefixDiscrepancies).toEqual([]);
  });

  it('each of those batches is then done exactly once by the next instance', async () => {
    await startProjector();
    await caughtUp();
    const ids = batchKills.flatMap((k) => k.eventIds);
    expect(ids.length).toBeGreaterThan(0);
    const { rows } = await db.pool.query<{ id: string; n: string }>(
      'SELECT id, count(*) AS n FROM rm_balance_activity WHERE id = ANY($1) GROUP BY id',
      [ids],
    );
    expect(rows.length).toBe(ids.length);
    expect(await readModelDiscrepancies(db.pool, buildOracle(await readAllEvents(store)))).toEqual([]);
  });

  it('the relay killed between the Kafka ack and the outbox delete: the rows stay and are published again', async () => {
    await projector?.kill('SIGKILL');
    const relayHolder = await session();
    const rowLocker = await session();
    try {
      await relayHolder.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [OUTBOX_RELAY_LOCK_KEY]);
      const proc = await startProjector();
      const eventIds = await appendRound();
      await waitFor(
        'the batch projected into the outbox, the relay standing by',
        async () => ((await count('SELECT count(*) AS n FROM outbox')) === eventIds.length ? true : undefined),
        30_000,
      );
      await rowLocker.query('BEGIN');
      const { rows: locked } = await rowLocker.query<{ bucket_id: string; version: string }>(
        'SELECT bucket_id, version FROM outbox ORDER BY id FOR UPDATE',
      );
      await relayHolder.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [OUTBOX_RELAY_LOCK_KEY]);
      const relay = await waitFor(
        "the relay's delete to wait for the row locks",
        async () => {
          const { rows } = await db.pool.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1
                AND wait_event_type = 'Lock' AND query LIKE '%DELETE FROM outbox%'`,
            [RELAY_SESSION],
          );
          return rows[0];
        },
        30_000,
      );
      redelivered = locked.map((r) => ({ bucketId: r.bucket_id, version: Number(r.version) }));
      // Acknowledged before the kill: a consumer reads every one of them already.
      const wanted = new Set(redelivered.map((r) => `${r.bucketId}@${r.version}`));
      const early = await readTopic(kafka, topics.bucketState, (byKey) => hasAll(byKey, wanted), 30_000);
      expect(early.completed).toBe(true);
      const status = await proc.kill('SIGKILL');
      expect(status.signal).toBe('SIGKILL');
      await db.pool.query('SELECT pg_terminate_backend($1)', [relay.pid]);
      expect(await backendGone(relay.pid, 10_000)).toBe(true);
      await rowLocker.query('ROLLBACK');
      const left = await db.pool.query<{ bucket_id: string; version: string }>(
        'SELECT bucket_id, version FROM outbox ORDER BY id',
      );
      expect(left.rows).toEqual(locked);
    } finally {
      await relayHolder.end().catch(() => undefined);
      await rowLocker.end().catch(() => undefined);
    }
    await startProjector();
    await caughtUp();
  });

  it('Kafka: exactly the versions caught between ack and delete arrive twice, every other once, none missing', async () => {
    expect(redelivered.length).toBeGreaterThan(0);
    const events = await readAllEvents(store);
    const oracle = buildOracle(events);
    const lastRevision = new Map([...oracle.buckets].map(([id, h]) => [id, h.states.length - 1]));
    const twice = new Set(redelivered.map((r) => `${r.bucketId}@${r.version}`));
    for (const topic of [topics.bucketState, topics.balanceEvents]) {
      const { byKey } = await readTopic(kafka, topic, await endOfTopic(kafka, topic), 60_000);
      expect(checkVersions(byKey, lastRevision, topic).problems).toEqual([]);
      expect(redeliveryDiscrepancies(byKey)).toEqual([]);
      const counts = deliveryCounts(byKey);
      const expected = new Map(
        events.map((e) => {
          const key = `${(e.data as { bucketId: string }).bucketId}@${e.revision}`;
          return [key, twice.has(key) ? 2 : 1];
        }),
      );
      expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(expected));
      if (topic === topics.bucketState) expect(stateMessageDiscrepancies(oracle, byKey)).toEqual([]);
    }
    // eslint-disable-next-line no-console
    console.log(
      `aimed-kills: ${batchKills.map((k) => `${k.mode}: ${k.eventIds.length} events appended under the lock, checkpoint ${k.checkpointAfter.prepare === k.checkpointBefore.prepare ? 'kept' : 'moved'}, ${k.rowsOfBatchAfter.activity} of them projected after the kill`).join('; ')}; ` +
        `relay: ${redelivered.length} versions redelivered once each; ${events.length} events checked`,
    );
  });
});

function hasAll(byKey: Map<string, ReceivedMessage[]>, wanted: Set<string>): boolean {
  let found = 0;
  for (const [key, messages] of byKey)
    for (const m of new Set(messages.map((x) => x.headerVersion))) if (wanted.has(`${key}@${m}`)) found++;
  return found === wanted.size;
}
