import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { PostgresEventStore, RecordedEvent } from '@ledger/event-store';
import { createKafka } from '@ledger/kafka-publisher';
import { createTestDatabase, TestDatabase, waitFor } from '@ledger/testing';
import { ChildHandle, seededRandom, sleep } from '../support/processes';
import {
  BucketWorkload,
  checkpointAt,
  checkVersions,
  endOfTopic,
  lastAppendedPosition,
  readAllEvents,
  readTopic,
  redeliveryDiscrepancies,
  VersionReport,
} from './fault-support';
import { buildOracle, LedgerOracle, readModelDiscrepancies, stateMessageDiscrepancies } from './ledger-oracle';
import { buildProjector, ProjectorBuild } from './projector-build';

/**
 * One crash run, shared by the at-scale crash test and the planted-bug check: a fresh database
 * and topics, appends at a steady rate, the projector process (projection runner + outbox relay)
 * SIGKILLed at random points and restarted each time, then one last instance left to catch up,
 * and every check of the outcome against the independent oracle (ledger-oracle.ts) and on Kafka.
 */

export interface CrashLoopOptions {
  label: string;
  seed: number;
  kills: number;
  buckets: number;
  seedEvents: number;
  eventsPerSecond: number;
  maxLoadEvents: number;
  /** A .ts entry relative to the repository: the real projector or a planted variant of it. */
  entry: string;
  /** Longest random wait after spawning (or after the lock line) before the kill. */
  maxKillDelayMs: number;
}

export type KillPhase = 'starting' | 'projecting';

export interface KillRecord {
  /** 'starting': before it printed that it holds the projection lock. */
  phase: KillPhase;
  atMs: number;
  /** The committed checkpoint moved while this instance lived: it had written at least one batch. */
  committedBatches: boolean;
  /** Outbox rows left after the kill: committed batches its relay had not deleted yet. */
  outboxRows: number;
}

export interface CrashOutcome {
  kills: KillRecord[];
  events: RecordedEvent[];
  oracle: LedgerOracle;
  readModel: string[];
  stateMessages: string[];
  stateReport: VersionReport;
  eventsReport: VersionReport & { eventIdsMissing: number };
  /** Redeliveries whose content differs from the first delivery (a consumer keeping either would differ). */
  redeliveries: string[];
  timings: Record<string, number>;
}

export class CrashLoop {
  readonly suffix = randomUUID().slice(0, 8);
  readonly topics: { bucketState: string; balanceEvents: string };
  readonly brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  db!: TestDatabase;
  store!: PostgresEventStore;
  kafka!: Kafka;
  private build: ProjectorBuild | undefined;
  private child: ChildHandle | undefined;
  private readonly random: () => number;

  constructor(private readonly options: CrashLoopOptions) {
    this.random = seededRandom(options.seed);
    this.topics = {
      bucketState: `fault.${options.label}.bucket-state.${this.suffix}`,
      balanceEvents: `fault.${options.label}.balance-events.${this.suffix}`,
    };
  }

  async setUp(): Promise<void> {
    this.build = buildProjector();
    this.db = await createTestDatabase();
    this.store = new PostgresEventStore(this.db.pool, this.db.url);
    this.kafka = createKafka({ brokers: this.brokers, clientId: `fault-${this.options.label}-reader-${this.suffix}` });
  }

  startProjector(n: number): ChildHandle {
    this.child = this.build!.spawn(this.options.entry, `projector#${n}`, {
      DATABASE_URL: this.db.url,
      KAFKA_BROKERS: this.brokers.join(','),
      KAFKA_CLIENT_ID: `fault-${this.options.label}-${this.suffix}`,
      KAFKA_TOPIC_BUCKET_STATE: this.topics.bucketState,
      KAFKA_TOPIC_BALANCE_EVENTS: this.topics.balanceEvents,
      KAFKA_TOPIC_PARTITIONS: '3',
      PUBLIC_BASE_URL: 'http://ledger.test',
    });
    return this.child;
  }

  async outboxRows(): Promise<number> {
    const { rows } = await this.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox');
    return Number(rows[0].n);
  }

  private async checkpointText(): Promise<string> {
    const { rows } = await this.db.pool.query<{ at: string }>(
      "SELECT commit_pos || '/' || prepare_pos AS at FROM projection_checkpoints WHERE projection = 'ledger' AND version = 1",
    );
    return rows[0]?.at ?? 'none';
  }

  /** One crash: spawn, wait a random time (from spawn, or from the lock line), SIGKILL, record. */
  private async crashOnce(n: number): Promise<KillRecord> {
    const before = await this.checkpointText();
    const proc = this.startProjector(n);
    let locked = false;
    const lockLine = proc.waitForLine(/holds the projection lock/, 60_000);
    const seen = lockLine.then(
      () => (locked = true),
      () => false,
    );
    if (this.random() < 0.4) {
      await sleep(this.random() * this.options.maxKillDelayMs);
    } else {
      await Promise.race([seen, proc.exited]);
      await sleep(this.random() * this.options.maxKillDelayMs);
    }
    const phase: KillPhase = locked ? 'projecting' : 'starting';
    const atMs = Date.now() - proc.startedAt;
    const status = await proc.kill('SIGKILL');
    if (status.signal !== 'SIGKILL')
      throw new Error(`projector#${n} exited by itself (${JSON.stringify(status)}) before the kill:\n${proc.tail()}`);
    await seen;
    return {
      phase,
      atMs,
      committedBatches: (await this.checkpointText()) !== before,
      outboxRows: await this.outboxRows(),
    };
  }

  async run(): Promise<CrashOutcome> {
    const { kills: count, buckets, seedEvents, eventsPerSecond, maxLoadEvents } = this.options;
    const timings: Record<string, number> = {};
    const t0 = Date.now();
    const workload = new BucketWorkload(
      this.store,
      seededRandom(this.options.seed ^ 0x5eed),
      Array.from({ length: buckets }, (_, i) => `fb-${this.suffix}-${i}`),
    );
    // A backlog before the first start, so early instances die inside large catch-up batches.
    await workload.openAll();
    await workload.run({ workers: 4, maxEvents: seedEvents, stop: () => false });
    timings.seedMs = Date.now() - t0;

    let loadDone = false;
    const load = workload.run({ workers: 3, eventsPerSecond, maxEvents: maxLoadEvents, stop: () => loadDone });
    load.catch(() => undefined); // awaited (and so rethrown) below; this only keeps it from being "unhandled" meanwhile
    const kills: KillRecord[] = [];
    const t1 = Date.now();
    try {
      for (let n = 1; n <= count; n++) {
        kills.push(await this.crashOnce(n));
        // Straight to stderr: jest holds console output back until the file ends.
        if (n % 10 === 0)
          process.stderr.write(
            `${this.options.label}: ${n}/${count} kills, ${workload.appendedEvents} events appended\n`,
          );
      }
    } finally {
      loadDone = true;
      await load;
    }
    timings.crashLoopMs = Date.now() - t1;

    const t2 = Date.now();
    await this.catchUp(count + 1);
    timings.catchUpMs = Date.now() - t2;

    const t3 = Date.now();
    const events = await readAllEvents(this.store);
    const oracle = buildOracle(events);
    const readModel = await readModelDiscrepancies(this.db.pool, oracle);
    const lastRevision = new Map([...oracle.buckets].map(([id, h]) => [id, h.states.length - 1]));
    const state = await readTopic(
      this.kafka,
      this.topics.bucketState,
      await endOfTopic(this.kafka, this.topics.bucketState),
      60_000,
    );
    const stateReport = checkVersions(state.byKey, lastRevision, 'state topic');
    const published = await readTopic(
      this.kafka,
      this.topics.balanceEvents,
      await endOfTopic(this.kafka, this.topics.balanceEvents),
      60_000,
    );
    const ids = new Set([...published.byKey.values()].flatMap((list) => list.map((m) => m.eventId)));
    const eventsReport = {
      ...checkVersions(published.byKey, lastRevision, 'event topic'),
      eventIdsMissing: events.filter((e) => !ids.has(e.id)).length,
    };
    timings.checkMs = Date.now() - t3;
    timings.totalMs = Date.now() - t0;
    return {
      kills,
      events,
      oracle,
      readModel,
      stateMessages: stateMessageDiscrepancies(oracle, state.byKey),
      stateReport,
      eventsReport,
      redeliveries: [...redeliveryDiscrepancies(state.byKey), ...redeliveryDiscrepancies(published.byKey)],
      timings,
    };
  }

  /** The last instance runs undisturbed and must project and publish everything. */
  async catchUp(n: number): Promise<void> {
    const child = this.startProjector(n);
    const last = await lastAppendedPosition(this.db.pool);
    let seen = '';
    try {
      await waitFor(
        'the checkpoint to reach the last event and the outbox to drain',
        async () => {
          const checkpoint = await checkpointAt(this.db.pool, last);
          const outbox = await this.outboxRows();
          seen = `${checkpoint.describe}, outbox ${outbox}, projector alive ${child.alive}`;
          return checkpoint.reached && outbox === 0 ? true : undefined;
        },
        90_000,
        100,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; last seen: ${seen}; projector output:\n${child.tail(60)}`, {
        cause: error,
      });
    }
  }

  async tearDown(): Promise<void> {
    await this.child?.kill('SIGKILL');
    await this.store?.close().catch(() => undefined);
    const admin = this.kafka?.admin();
    if (admin) {
      await admin
        .connect()
        .then(() => admin.deleteTopics({ topics: [this.topics.bucketState, this.topics.balanceEvents] }))
        .catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
    await this.db?.drop();
    this.build?.remove();
  }
}

/** The figures a crash run reports, one line. */
export function describeOutcome(label: string, seed: number, o: CrashOutcome): string {
  const by = (p: (k: KillRecord) => boolean) => o.kills.filter(p).length;
  return (
    `${label}: FAULT_SEED=${seed}; ${o.kills.length} kills (${by((k) => k.phase === 'starting')} while starting, ` +
    `${by((k) => k.phase === 'projecting')} while projecting; ${by((k) => k.committedBatches)} after committing batches, ` +
    `${by((k) => k.outboxRows > 0)} leaving unpublished or undeleted outbox rows); ${o.events.length} events on ` +
    `${o.oracle.buckets.size} buckets checked; read-model discrepancies ${o.readModel.length}, state-message discrepancies ` +
    `${o.stateMessages.length}; state topic ${o.stateReport.messages} messages, ${o.stateReport.duplicates} redelivered ` +
    `(${o.stateReport.redeliveredBuckets} buckets), ${o.stateReport.problems.length} missing/out of order; event topic ` +
    `${o.eventsReport.messages} messages, ${o.eventsReport.duplicates} redelivered, ${o.eventsReport.eventIdsMissing} event ids missing; ` +
    `redeliveries differing from the first copy ${o.redeliveries.length}; timings ${JSON.stringify(o.timings)}`
  );
}
