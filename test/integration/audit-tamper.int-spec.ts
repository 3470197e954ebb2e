import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdvisoryLock } from '@ledger/projection';
import { AnchorStore } from '@ledger/audit';
import { comparePositions, hashEvent, PostgresEventStore, type RecordedEvent } from '@ledger/event-store';
import { createKafka, KafkajsPublisher } from '@ledger/kafka-publisher';
import { createTestDatabase, TestDatabase, waitFor } from '@ledger/testing';
import { AnchorWriter } from '../../apps/projector/src/anchor/anchor-writer';
import { runCli } from '../../apps/ledger-cli/src/cli';

jest.setTimeout(120_000);

const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

/**
 * The five ways to rewrite a history, each made directly in PostgreSQL as an attacker with
 * superuser rights would (triggers off for the session, constraints stepped around), and each
 * named by `ledger-cli audit verify-chain` with exit code 1, against anchors from the database
 * and from Kafka.
 */
describe('verify-chain against a tampered PostgreSQL event store', () => {
  let db: TestDatabase;
  let store: PostgresEventStore;
  let dir: string;
  const topic = `test.audit-anchors.${randomUUID().slice(0, 8)}`;
  const kafka = createKafka({ brokers: BROKERS, clientId: 'audit-tamper' });
  const writers: { writer: AnchorWriter; lock: AdvisoryLock; publisher: KafkajsPublisher }[] = [];
  const writerFailures: unknown[] = [];
  const suffix = randomUUID().slice(0, 8);
  const bucket = (name: string) => `${name}-${suffix}`;
  const BUCKETS = ['untouched', 'changed', 'recomputed', 'truncated', 'deleted', 'reordered'].map(bucket);

  async function cli(...argv: string[]) {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const env = {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: BROKERS.join(','),
      KAFKA_TOPIC_AUDIT_ANCHORS: topic,
      AUDIT_ANCHOR_PUBLIC_KEY_FILE: join(dir, 'anchor.pub.pem'),
    };
    const code = await runCli(['audit', ...argv], {
      env,
      stdout: (l) => stdout.push(l),
      stderr: (l) => stderr.push(l),
    });
    return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
  }

  async function startWriter(): Promise<void> {
    const lock = new AdvisoryLock(db.url, 'audit-anchors');
    const client = await lock.acquire(() => false);
    const { privateKey } = keys;
    const publisher = new KafkajsPublisher(kafka);
    const writer = new AnchorWriter({
      store,
      client: client!,
      privateKey,
      publisher,
      topic,
      everyEvents: 7,
      intervalMs: 100,
      onFailure: (error) => writerFailures.push(error),
    });
    await writer.start();
    writers.push({ writer, lock, publisher });
  }

  async function stopWriters(): Promise<void> {
    for (const { writer, lock, publisher } of writers.splice(0)) {
      await writer.stop();
      await lock.release();
      await publisher.close();
    }
  }

  async function appendAll(rounds: number): Promise<void> {
    for (let round = 0; round < rounds; round++) {
      for (const id of BUCKETS) {
        await store.append(
          `bucket-${id}`,
          [{ type: 'BalanceAdjusted', data: { bucketId: id, amount: { amount: String(round + 1), units: 'EUR' } } }],
          'any',
        );
      }
    }
  }

  /** Every event is anchored, and every anchor has reached Kafka. */
  async function anchoredAndPublished(): Promise<void> {
    const anchors = new AnchorStore(db.pool);
    await waitFor(
      'the head to be anchored and published',
      async () => {
        if (writerFailures.length > 0) throw new Error(`the anchor writer failed: ${String(writerFailures[0])}`);
        const head = await store.headPosition();
        const last = await anchors.last();
        if (
          !head ||
          !last ||
          comparePositions({ commit: BigInt(last.to.commit), prepare: BigInt(last.to.prepare) }, head) !== 0
        )
          return undefined;
        return (await anchors.unpublished(1)).length === 0 ? true : undefined;
      },
      30_000,
    );
  }

  async function asAttacker(
    work: (sql: (text: string, values?: unknown[]) => Promise<unknown>) => Promise<void>,
  ): Promise<void> {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      // What a superuser does first: no trigger of the event store's fires for this session.
      await client.query("SET LOCAL session_replication_role = 'replica'");
      await work((text, values) => client.query(text, values));
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async function events(id: string): Promise<RecordedEvent[]> {
    const read = await store.readStream(`bucket-${id}`);
    return read.found ? read.events : [];
  }

  const keys = generateKeyPairSync('ed25519');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-tamper-'));
    writeFileSync(join(dir, 'anchor.pub.pem'), keys.publicKey.export({ type: 'spki', format: 'pem' }));
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    db = await createTestDatabase();
    store = new PostgresEventStore(db.pool, db.url);
    await startWriter();
    await appendAll(3);
    // A restart in the middle: the second writer continues the chain from the stored tip.
    await anchoredAndPublished();
    await stopWriters();
    await appendAll(2);
    await startWriter();
    await anchoredAndPublished();
    await stopWriters();
  });

  afterAll(async () => {
    await stopWriters();
    await store?.close();
    await db?.drop();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds nothing in the untouched store, across the writer restart, with anchors from either side', async () => {
    const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM audit.anchors');
    expect(Number(rows[0].n)).toBeGreaterThanOrEqual(2);
    for (const source of ['db', 'kafka']) {
      const run = await cli('verify-chain', '--all', '--anchors-from', source);
      expect(run.stdout).toMatch(
        /checked 6 streams, 30 events against \d+ verified anchors .*; 0 events not yet anchored\n0 findings$/,
      );
      expect(run.code).toBe(0);
    }
  });

  it('names an event changed in place', async () => {
    const id = bucket('changed');
    await asAttacker(async (sql) => {
      await sql(
        `UPDATE event_store.events SET data = jsonb_set(data, '{amount,amount}', '"999"') WHERE stream_id = $1 AND revision = 2`,
        [`bucket-${id}`],
      );
    });
    const run = await cli('verify-chain', '--bucket', id);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(
        `^FINDING changed-event \\(bucket-${id}, revision 2\\): the content of BalanceAdjusted .* does not match its hash`,
        'm',
      ),
    );
  });

  it('names an event changed with its chain recomputed', async () => {
    const id = bucket('recomputed');
    const stored = await events(id);
    await asAttacker(async (sql) => {
      stored[1].data = { ...stored[1].data, amount: { amount: '1000', units: 'EUR' } };
      for (let i = 1; i < stored.length; i++) {
        stored[i].metadata.prevHash = stored[i - 1].metadata.hash;
        stored[i].metadata.hash = hashEvent(stored[i]);
        await sql('UPDATE event_store.events SET data = $3, metadata = $4 WHERE stream_id = $1 AND revision = $2', [
          `bucket-${id}`,
          String(stored[i].revision),
          stored[i].data,
          stored[i].metadata,
        ]);
      }
      await sql('UPDATE event_store.streams SET last_hash = $2 WHERE stream_id = $1', [
        `bucket-${id}`,
        stored.at(-1)!.metadata.hash,
      ]);
    });
    expect((await cli('verify-chain', '--bucket', id, '--no-anchors')).code).toBe(0);
    const run = await cli('verify-chain', '--bucket', id);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(
        `^FINDING rewritten-history \\(bucket-${id}, revision \\d, anchor #\\d+\\): the chain verifies, but anchor`,
        'm',
      ),
    );
  });

  it('names a deleted newest event', async () => {
    const id = bucket('truncated');
    const stored = await events(id);
    await asAttacker(async (sql) => {
      await sql('DELETE FROM event_store.events WHERE stream_id = $1 AND revision = 4', [`bucket-${id}`]);
      await sql('UPDATE event_store.streams SET last_revision = 3, last_hash = $2 WHERE stream_id = $1', [
        `bucket-${id}`,
        stored[3].metadata.hash,
      ]);
    });
    const run = await cli('verify-chain', '--bucket', id);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(
        `^FINDING deleted-newest-events \\(bucket-${id}, revision 4, anchor #\\d+\\): the stream ends at revision 3, but anchor #\\d+ signed revision 4 .*: 1 newest event deleted`,
        'm',
      ),
    );
  });

  it('names a deleted whole stream', async () => {
    const id = bucket('deleted');
    await asAttacker(async (sql) => {
      await sql('DELETE FROM event_store.events WHERE stream_id = $1', [`bucket-${id}`]);
      await sql('DELETE FROM event_store.streams WHERE stream_id = $1', [`bucket-${id}`]);
    });
    const run = await cli('verify-chain', '--bucket', id);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(
        `^FINDING deleted-stream \\(bucket-${id}, anchor #\\d+\\): the stream is gone, but anchor #\\d+ signed its revision 4`,
        'm',
      ),
    );
  });

  it('names a reordered pair', async () => {
    const id = bucket('reordered');
    // (stream_id, revision) is unique and not deferrable: step around it through a free revision.
    await asAttacker(async (sql) => {
      await sql('UPDATE event_store.events SET revision = 1000 WHERE stream_id = $1 AND revision = 2', [
        `bucket-${id}`,
      ]);
      await sql('UPDATE event_store.events SET revision = 2 WHERE stream_id = $1 AND revision = 3', [`bucket-${id}`]);
      await sql('UPDATE event_store.events SET revision = 3 WHERE stream_id = $1 AND revision = 1000', [
        `bucket-${id}`,
      ]);
    });
    const run = await cli('verify-chain', '--bucket', id);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(`^FINDING reordered-events \\(bucket-${id}, revision 2\\): revisions 2 and 3 swapped places`, 'm'),
    );
  });

  it('lists all five over the whole store, once each, from either anchor source, and leaves the untouched bucket alone', async () => {
    for (const source of ['db', 'kafka']) {
      const run = await cli('verify-chain', '--all', '--anchors-from', source);
      expect(run.code).toBe(1);
      const kinds = run.stdout
        .split('\n')
        .filter((l) => l.startsWith('FINDING'))
        .map((l) => l.split(' ')[1]);
      expect(kinds.sort()).toEqual([
        'changed-event',
        'deleted-newest-events',
        'deleted-stream',
        'reordered-events',
        'rewritten-history',
      ]);
      expect(run.stdout).not.toMatch(new RegExp(bucket('untouched')));
      expect(run.stdout).toMatch(/\n5 findings$/);
    }
  });

  it('exits 2 on a usage error, before touching anything', async () => {
    expect((await cli('verify-chain', '--bucket', 'x', '--all')).code).toBe(2);
    expect((await cli('verify-chain', '--anchors-from', 's3')).code).toBe(2);
  });
});
