import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin, ConfigResourceTypes, Kafka } from 'kafkajs';
import { PostgresEventStore } from '@ledger/event-store';
import { createKafka } from '@ledger/kafka-publisher';
import { waitFor } from '@ledger/testing';
import { LedgerApp, startLedgerApp } from '../support/ledger-app';
import { runCommand, seededRandom } from '../support/processes';
import {
  allVersionsSeen,
  BucketWorkload,
  checkpointAt,
  checkVersions,
  FreshFold,
  freshFold,
  lastAppendedPosition,
  readAllEvents,
  readTopic,
  VersionReport,
} from './fault-support';

/**
 * A 3-broker KRaft cluster of this test's own (scripts/kafka-cluster.sh on free ports) carries the
 * ledger's topics with replication factor 3 and min.insync.replicas 2. While the real projector and
 * its outbox relay (KafkajsPublisher: idempotent, acks=all) publish a stream of bucket states, the
 * broker leading most of the topics' partitions is SIGKILLed, and started again once the others
 * have taken over. Every bucket's versions must arrive complete and, dropping re-deliveries by
 * version, in order; nothing acknowledged may be lost.
 *
 * Events are appended straight to the event store (the domain decides them, fault-support's
 * workload) rather than sent over HTTP: the fault is between the outbox and Kafka, the projector
 * still writes every outbox row, and the workload's own appends are the oracle of what must arrive.
 */

const SEED = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
const BUCKETS = 40;
const EVENTS_PER_SECOND = 60;
/** Events appended in each phase: before the kill, while the leader is down, after the restart. */
const PHASE_EVENTS = 300;
const PARTITIONS = 3;

jest.setTimeout(60_000);

/** `count` consecutive ports free on 127.0.0.1, for --base-port. */
async function freePortRange(count: number): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  // Below Linux's ephemeral range (32768 and up), where outgoing connections of the other tests
  // running beside this one cannot take a port between this check and the brokers' bind.
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    let ok = true;
    for (let p = base; ok && p < base + count; p++) ok = await free(p);
    if (ok) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

interface PartitionView {
  topic: string;
  partition: number;
  leader: number;
  isr: number[];
  replicas: number[];
}

async function partitions(admin: Admin, topics: string[]): Promise<PartitionView[]> {
  const metadata = await admin.fetchTopicMetadata({ topics });
  return metadata.topics.flatMap((t) =>
    t.partitions.map((p) => ({
      topic: t.name,
      partition: p.partitionId,
      leader: p.leader,
      isr: p.isr,
      replicas: p.replicas,
    })),
  );
}

describe('the leader of the ledger topics SIGKILLed in a 3-broker cluster while the relay publishes', () => {
  const clusterDir = mkdtempSync(join(tmpdir(), 'ledger-fault-cluster-'));
  let basePort = 0;
  let clusterStarted = false;
  let app: LedgerApp | undefined;
  let store: PostgresEventStore | undefined;
  let kafka: Kafka;
  let admin: Admin | undefined;
  let fold: FreshFold;
  let stateReport: VersionReport;
  let eventsReport: VersionReport;
  let topicNames: string[] = [];
  const durability: Record<string, { replicas: number[]; minIsr: string | undefined }> = {};
  const fault = {
    killedNode: 0,
    ledPartitions: [] as string[],
    killedExited: false,
    leadersAfterFailover: [] as number[],
    outboxAtKill: 0,
    outboxPeak: 0,
    eventsWhileDown: 0,
  };
  const timings: Record<string, number> = {};

  async function cluster(command: 'start' | 'stop'): Promise<void> {
    const result = await runCommand(
      'bash',
      ['scripts/kafka-cluster.sh', command, '--dir', clusterDir, '--base-port', String(basePort)],
      { timeoutMs: 180_000 },
    );
    if (result.code !== 0) {
      const logs = [1, 2, 3]
        .map((n) => join(clusterDir, `node-${n}`, 'kafka.log'))
        .filter(existsSync)
        .map((f) => `${f}:\n${readFileSync(f, 'utf8').split('\n').slice(-15).join('\n')}`);
      throw new Error(`kafka-cluster.sh ${command} failed (${result.code}): ${result.stderr}\n${logs.join('\n')}`);
    }
  }

  function nodePid(node: number): number {
    return Number(readFileSync(join(clusterDir, `node-${node}`, 'kafka.pid'), 'utf8').trim());
  }

  function alive(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /** Last resort when the test process exits without running afterAll: no broker outlives the run. */
  function killClusterNow(): void {
    for (const node of [1, 2, 3]) {
      try {
        process.kill(nodePid(node), 'SIGKILL');
      } catch {
        // not running
      }
    }
  }

  async function outbox(): Promise<{ rows: number; maxId: number; minId: number }> {
    const { rows } = await app!.db.pool.query<{ n: string; max: string | null; min: string | null }>(
      'SELECT count(*) AS n, max(id) AS max, min(id) AS min FROM outbox',
    );
    return { rows: Number(rows[0].n), maxId: Number(rows[0].max ?? 0), minId: Number(rows[0].min ?? 0) };
  }

  beforeAll(async () => {
    const t0 = Date.now();
    // eslint-disable-next-line no-console
    console.log(`kafka-leader-kill: FAULT_SEED=${SEED}, cluster dir ${clusterDir}`);
    clusterStarted = true; // from here on afterAll stops it, whatever happens next
    process.once('exit', killClusterNow);
    // A port found free can still be taken before the broker binds it: start again elsewhere.
    for (let attempt = 1; ; attempt++) {
      basePort = await freePortRange(6);
      try {
        await cluster('start');
        break;
      } catch (error) {
        if (attempt >= 3 || !String(error).includes('Address already in use')) throw error;
        await cluster('stop').catch(() => undefined);
        for (const n of [1, 2, 3]) rmSync(join(clusterDir, `node-${n}`), { recursive: true, force: true });
      }
    }
    timings.clusterStartMs = Date.now() - t0;
    const brokers = [0, 2, 4].map((d) => `127.0.0.1:${basePort + d}`);
    kafka = createKafka({ brokers, clientId: `fault-leader-kill-${randomUUID().slice(0, 8)}` });
    admin = kafka.admin();
    await admin.connect();

    app = await startLedgerApp({
      env: {
        KAFKA_BROKERS: brokers.join(','),
        KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
        KAFKA_REPLICATION_FACTOR: '3',
        KAFKA_MIN_INSYNC_REPLICAS: '2',
      },
    });
    store = new PostgresEventStore(app.db.pool, app.db.url);
    topicNames = [app.config.topics.bucketState, app.config.topics.balanceEvents];
    // The projector ensures its topics in the background (it also starts while Kafka is down).
    await waitFor(
      'the projector to create its topics',
      async () => {
        const existing = new Set(await admin!.listTopics());
        if (!topicNames.every((t) => existing.has(t))) return undefined;
        return (await partitions(admin!, topicNames)).every((p) => p.leader >= 0) ? true : undefined;
      },
      60_000,
      200,
    );
    // A new topic's metadata reaches the three brokers one after the other: one that has not heard
    // of it yet answers "does not host this topic-partition", so ask until every broker knows it.
    const { resources } = await waitFor(
      'every broker to know the new topics',
      () =>
        admin!
          .describeConfigs({
            includeSynonyms: false,
            resources: topicNames.map((name) => ({
              type: ConfigResourceTypes.TOPIC,
              name,
              configNames: ['min.insync.replicas'],
            })),
          })
          .catch((error: unknown) => {
            if ((error as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION') return undefined;
            throw error;
          }),
      30_000,
      200,
    );
    for (const p of await partitions(admin, topicNames)) {
      const entry = (durability[p.topic] ??= {
        replicas: [],
        minIsr: resources.find((r) => r.resourceName === p.topic)?.configEntries[0]?.configValue,
      });
      entry.replicas.push(p.replicas.length);
    }

    const workload = new BucketWorkload(
      store,
      seededRandom(SEED),
      Array.from({ length: BUCKETS }, () => randomUUID()),
    );
    await workload.openAll();
    let loadDone = false;
    const load = workload.run({
      workers: 4,
      eventsPerSecond: EVENTS_PER_SECOND,
      maxEvents: 100_000,
      stop: () => loadDone,
    });
    load.catch(() => undefined); // awaited (and so rethrown) below
    const appendedSince = (n: number) => workload.appendedEvents - n;
    try {
      await waitFor(
        `${PHASE_EVENTS} events appended and published before the kill`,
        async () => (workload.appendedEvents >= PHASE_EVENTS && (await outbox()).rows < 30 ? true : undefined),
        60_000,
        100,
      );

      // The broker leading most of the ledger's partitions: with 3 brokers it leads at least 2 of 6.
      const before = await partitions(admin, topicNames);
      const leads = new Map<number, PartitionView[]>();
      for (const p of before) leads.set(p.leader, [...(leads.get(p.leader) ?? []), p]);
      const [node, led] = [...leads].sort((a, b) => b[1].length - a[1].length)[0];
      fault.killedNode = node;
      fault.ledPartitions = led.map((p) => `${p.topic}/${p.partition}`);
      const pid = nodePid(node);
      const atKill = await outbox();
      const appendedAtKill = workload.appendedEvents;
      process.kill(pid, 'SIGKILL');
      const killedAt = Date.now();
      await waitFor('the killed broker to exit', () => (alive(pid) ? undefined : true), 10_000, 20);
      fault.killedExited = true;
      fault.outboxAtKill = atKill.rows;

      await waitFor(
        'the surviving brokers to take over leadership of every partition',
        async () => {
          fault.outboxPeak = Math.max(fault.outboxPeak, (await outbox()).rows);
          const now = await partitions(admin!, topicNames);
          if (now.some((p) => p.leader === node || p.leader < 0)) return undefined;
          fault.leadersAfterFailover = [...new Set(now.map((p) => p.leader))].sort();
          return true;
        },
        60_000,
        200,
      );
      timings.failoverMs = Date.now() - killedAt;
      await waitFor(
        'every outbox row written before the kill to be published',
        async () => {
          const o = await outbox();
          fault.outboxPeak = Math.max(fault.outboxPeak, o.rows);
          return o.rows === 0 || o.minId > atKill.maxId ? true : undefined;
        },
        60_000,
        100,
      );
      timings.publishingResumedMs = Date.now() - killedAt;
      await waitFor(
        `${PHASE_EVENTS} events appended while the broker is down`,
        () => (appendedSince(appendedAtKill) >= PHASE_EVENTS ? true : undefined),
        60_000,
        100,
      );
      fault.eventsWhileDown = appendedSince(appendedAtKill);

      const restartAt = Date.now();
      await cluster('start');
      timings.restartMs = Date.now() - restartAt;
      await waitFor(
        'the restarted broker back in every in-sync replica set',
        async () => ((await partitions(admin!, topicNames)).every((p) => p.isr.length === 3) ? true : undefined),
        60_000,
        200,
      );
      timings.fullIsrAfterRestartMs = Date.now() - restartAt;
      const appendedAtRestart = workload.appendedEvents;
      await waitFor(
        `${PHASE_EVENTS} more events after the restart`,
        () => (appendedSince(appendedAtRestart) >= PHASE_EVENTS ? true : undefined),
        60_000,
        100,
      );
    } finally {
      loadDone = true;
      await load;
    }

    const last = await lastAppendedPosition(app.db.pool);
    await waitFor(
      'the projection to catch up and the outbox to drain',
      async () => ((await checkpointAt(app!.db.pool, last)).reached && (await outbox()).rows === 0 ? true : undefined),
      60_000,
      200,
    );
    const t1 = Date.now();
    fold = freshFold(await readAllEvents(store));
    const state = await readTopic(kafka, topicNames[0], allVersionsSeen(fold.lastRevision), 60_000);
    stateReport = checkVersions(state.byKey, fold.lastRevision, 'state topic');
    const events = await readTopic(kafka, topicNames[1], allVersionsSeen(fold.lastRevision), 60_000);
    eventsReport = checkVersions(events.byKey, fold.lastRevision, 'event topic');
    timings.verifyMs = Date.now() - t1;
    timings.totalMs = Date.now() - t0;
    // eslint-disable-next-line no-console
    console.log(
      `kafka-leader-kill: killed node ${fault.killedNode} (leader of ${fault.ledPartitions.join(', ')}); ` +
        `${fold.events.length} events, ${fault.eventsWhileDown} appended between the kill and the restart; ` +
        `outbox ${fault.outboxAtKill} rows at the kill, peak ${fault.outboxPeak}; ` +
        `state topic ${stateReport.messages} messages (${stateReport.duplicates} duplicates), ` +
        `event topic ${eventsReport.messages} messages (${eventsReport.duplicates} duplicates); ` +
        `timings ${JSON.stringify(timings)}`,
    );
  }, 300_000);

  afterAll(async () => {
    await admin?.disconnect().catch(() => undefined);
    await store?.close().catch(() => undefined);
    await app?.close().catch(() => undefined);
    // eslint-disable-next-line no-console
    if (clusterStarted) await cluster('stop').catch((error: unknown) => console.error(String(error)));
    process.removeListener('exit', killClusterNow);
    rmSync(clusterDir, { recursive: true, force: true });
  }, 120_000);

  it('created both topics with replication factor 3 and min.insync.replicas 2', () => {
    expect(durability).toEqual(
      Object.fromEntries(topicNames.map((t) => [t, { replicas: Array(PARTITIONS).fill(3), minIsr: '2' }])),
    );
  });

  it('really killed the leader, and the two survivors took over while events kept coming', () => {
    expect(fault.killedExited).toBe(true);
    expect(fault.ledPartitions.length).toBeGreaterThanOrEqual(2);
    expect(fault.leadersAfterFailover).not.toContain(fault.killedNode);
    expect(fault.eventsWhileDown).toBeGreaterThanOrEqual(PHASE_EVENTS);
  });

  it('state topic: per bucket, every version 0..lastRevision arrived, first occurrences in order', () => {
    expect(stateReport.problems).toEqual([]);
    expect(fold.lastRevision.size).toBe(BUCKETS);
  });

  it('event topic: per bucket, every version 0..lastRevision arrived, first occurrences in order', () => {
    expect(eventsReport.problems).toEqual([]);
  });
});
