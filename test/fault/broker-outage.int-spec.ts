import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { PostgresEventStore } from '@ledger/event-store';
import { createKafka } from '@ledger/kafka-publisher';
import { waitFor } from '@ledger/testing';
import { LedgerApp, startLedgerApp } from '../support/ledger-app';
import { authHeader } from '../support/test-auth';
import { freePort, runCommand, seededRandom, sleep } from '../support/processes';
import {
  allVersionsSeen,
  checkpointAt,
  checkVersions,
  FreshFold,
  freshFold,
  lastAppendedPosition,
  readAllEvents,
  readTopic,
  redeliveryDiscrepancies,
  VersionReport,
} from './fault-support';

/**
 * A Kafka broker of this test's own (scripts/kafka.sh in a temporary run directory, on free
 * ports) is stopped for 20 s while commands keep arriving over HTTP, then started again. The API
 * must keep accepting commands (Kafka is behind the outbox), the relay must hold the messages back
 * and deliver all of them once the broker is back, and every bucket's state versions must arrive
 * complete and in order.
 */

const SEED = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
const OUTAGE_MS = 20_000;
/** Load before the outage and after the restart, counted in commands (about 5 s each at the target rate). */
const BEFORE_REQUESTS = 200;
const AFTER_REQUESTS = 200;
const BUCKETS = 20;
const REQUESTS_PER_SECOND = 40;
/** Enough requests in flight to hold the rate even when a slow, shared machine answers in 200 ms. */
const CLIENTS = 8;

jest.setTimeout(60_000);

interface Sent {
  status: number;
  text: string;
  at: number;
}

describe('the Kafka broker stopped for 20 s under load and started again', () => {
  const runDir = mkdtempSync(join(tmpdir(), 'ledger-fault-kafka-'));
  const brokerEnv: Record<string, string> = { LEDGER_RUN_DIR: runDir };
  let brokerStarted = false;
  let app: LedgerApp | undefined;
  let store: PostgresEventStore | undefined;
  let kafka: Kafka;
  let fold: FreshFold;
  let stateReport: VersionReport;
  let eventsReport: VersionReport;
  let lastState: Map<string, Record<string, unknown> | null>;
  let redeliveries: string[];
  const sent: Sent[] = [];
  const outage = { stoppedAt: 0, startedAt: 0, outboxAtRestart: 0, statusWhileDown: -1, sentDuringOutage: 0 };
  const timings: Record<string, number> = {};

  async function broker(command: 'start' | 'stop' | 'status'): Promise<number> {
    const result = await runCommand('bash', ['scripts/kafka.sh', command], { env: brokerEnv, timeoutMs: 120_000 });
    if (command !== 'status' && result.code !== 0) {
      const log = join(runDir, 'logs', 'kafka.log');
      const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-30).join('\n') : '(no broker log)';
      throw new Error(`kafka.sh ${command} failed (${result.code}): ${result.stderr}\n${tail}`);
    }
    return result.code;
  }

  /** Last resort when the test process exits without running afterAll: SIGTERM the broker it started. */
  function stopBrokerNow(): void {
    try {
      process.kill(Number(readFileSync(join(runDir, 'kafka.pid'), 'utf8').trim()), 'SIGTERM');
    } catch {
      // no broker running
    }
  }

  async function outboxRows(): Promise<number> {
    const { rows } = await app!.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox');
    return Number(rows[0].n);
  }

  /** Never throws: a failed request is recorded (status 0) and reported by the 201 assertion. */
  async function post(path: string, body: unknown): Promise<Sent> {
    try {
      const res = await fetch(`${app!.v2}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await authHeader()) },
        body: JSON.stringify(body),
      });
      return { status: res.status, text: await res.text(), at: Date.now() };
    } catch (error) {
      return { status: 0, text: `POST ${path} failed: ${String(error)}`, at: Date.now() };
    }
  }

  beforeAll(async () => {
    const t0 = Date.now();
    // eslint-disable-next-line no-console
    console.log(`broker-outage: FAULT_SEED=${SEED}, run dir ${runDir}`);
    const random = seededRandom(SEED);
    brokerEnv.KAFKA_PORT = String(await freePort());
    do brokerEnv.KAFKA_CONTROLLER_PORT = String(await freePort());
    while (brokerEnv.KAFKA_CONTROLLER_PORT === brokerEnv.KAFKA_PORT);
    brokerStarted = true; // from here on afterAll stops it, whatever happens next
    process.once('exit', stopBrokerNow);
    await broker('start');
    timings.brokerStartMs = Date.now() - t0;
    const brokers = [`127.0.0.1:${brokerEnv.KAFKA_PORT}`];
    kafka = createKafka({ brokers, clientId: `fault-outage-reader-${randomUUID().slice(0, 8)}` });
    app = await startLedgerApp({ env: { KAFKA_BROKERS: brokers.join(','), KAFKA_TOPIC_PARTITIONS: '3' } });
    store = new PostgresEventStore(app.db.pool, app.db.url);

    const bucketIds: string[] = [];
    for (let i = 0; i < BUCKETS; i++) {
      const res = await fetch(`${app.v2}/bucket`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await authHeader()) },
        body: JSON.stringify({
          type: 'monetary',
          name: `outage ${i}`,
          product: [{ id: `prod-${i}` }],
          amount: { amount: 100, units: 'EUR' },
          validFor: { startDateTime: '2025-01-01T00:00:00Z', endDateTime: '2099-01-01T00:00:00Z' },
        }),
      });
      if (res.status !== 201) throw new Error(`POST /bucket answered ${res.status}: ${await res.text()}`);
      bucketIds.push(((await res.json()) as { id: string }).id);
    }

    // Steady load: topups (two events each) and credit adjustments on random buckets.
    let loadDone = false;
    const loadStarted = Date.now();
    const worker = async () => {
      while (!loadDone) {
        const bucket = { id: bucketIds[Math.floor(random() * bucketIds.length)] };
        const amount = Math.round(1 + random() * 2000) / 100;
        const res =
          random() < 0.6
            ? await post('/balanceTopup', {
                type: 'voucher',
                channel: { id: 'web' },
                amount: { amount, units: 'EUR' },
                bucket,
              })
            : await post('/balanceAdjustment', {
                type: 'correction',
                reason: 'goodwill',
                amount: { amount, units: 'EUR' },
                bucket,
              });
        sent.push(res);
        // Pacing to the target rate, not a wait for a condition.
        const due = loadStarted + (sent.length / REQUESTS_PER_SECOND) * 1000;
        if (due > Date.now()) await sleep(Math.min(due - Date.now(), 500));
      }
    };
    const load = Promise.all(Array.from({ length: CLIENTS }, () => worker()));
    load.catch(() => undefined); // awaited (and so rethrown) below
    try {
      await waitFor(
        `${BEFORE_REQUESTS} commands, published, before the outage`,
        async () => (sent.length >= BEFORE_REQUESTS && (await outboxRows()) < 50 ? true : undefined),
        60_000,
        100,
      );

      await broker('stop');
      outage.stoppedAt = Date.now();
      outage.statusWhileDown = await broker('status');
      const sentBefore = sent.length;
      await sleep(OUTAGE_MS); // the fault itself: the broker stays down this long under load
      outage.sentDuringOutage = sent.length - sentBefore;
      outage.outboxAtRestart = await outboxRows();
      await broker('start');
      outage.startedAt = Date.now();
      const sentBeforeRestart = sent.length;
      await waitFor(
        `${AFTER_REQUESTS} more commands after the restart`,
        () => (sent.length - sentBeforeRestart >= AFTER_REQUESTS ? true : undefined),
        60_000,
        100,
      );
    } finally {
      loadDone = true;
      await load;
    }

    const t1 = Date.now();
    const last = await lastAppendedPosition(app.db.pool);
    let seen = '';
    try {
      await waitFor(
        'the projection to catch up and the outbox to drain after the outage',
        async () => {
          const checkpoint = await checkpointAt(app!.db.pool, last);
          const outbox = await outboxRows();
          seen = `${checkpoint.describe}, outbox ${outbox}`;
          return checkpoint.reached && outbox === 0 ? true : undefined;
        },
        90_000,
        200,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; last seen: ${seen}`, { cause: error });
    }
    timings.drainAfterRestartMs = Date.now() - outage.startedAt;

    fold = freshFold(await readAllEvents(store));
    const state = await readTopic(kafka, app.config.topics.bucketState, allVersionsSeen(fold.lastRevision), 60_000);
    stateReport = checkVersions(state.byKey, fold.lastRevision, 'state topic');
    lastState = new Map(
      [...state.byKey].map(([key, list]) => [
        key,
        list.reduce((a, b) => (b.headerVersion > a.headerVersion ? b : a)).value,
      ]),
    );
    const events = await readTopic(kafka, app.config.topics.balanceEvents, allVersionsSeen(fold.lastRevision), 60_000);
    eventsReport = checkVersions(events.byKey, fold.lastRevision, 'event topic');
    redeliveries = [...redeliveryDiscrepancies(state.byKey), ...redeliveryDiscrepancies(events.byKey)];
    timings.verifyMs = Date.now() - t1;
    timings.totalMs = Date.now() - t0;
    // eslint-disable-next-line no-console
    console.log(
      `broker-outage: ${sent.length} requests (${outage.sentDuringOutage} while the broker was down), ${fold.events.length} events; ` +
        `outbox held ${outage.outboxAtRestart} rows at restart; state topic ${stateReport.messages} messages, ${stateReport.duplicates} re-deliveries; event topic ${eventsReport.messages} messages, ${eventsReport.duplicates} re-deliveries; ` +
        `timings ${JSON.stringify(timings)}`,
    );
  }, 300_000);

  afterAll(async () => {
    await store?.close().catch(() => undefined);
    await app?.close().catch(() => undefined);
    // eslint-disable-next-line no-console
    if (brokerStarted) await broker('stop').catch((error: unknown) => console.error(String(error)));
    process.removeListener('exit', stopBrokerNow);
    rmSync(runDir, { recursive: true, force: true });
  }, 120_000);

  it('really took the broker away for 20 s while commands kept coming', () => {
    expect(outage.statusWhileDown).not.toBe(0);
    expect(outage.startedAt - outage.stoppedAt).toBeGreaterThanOrEqual(OUTAGE_MS);
    // At least 5 commands a second throughout the outage (the target is 40/s; a loaded machine gets less).
    expect(outage.sentDuringOutage).toBeGreaterThanOrEqual(5 * (OUTAGE_MS / 1000));
    expect(outage.outboxAtRestart).toBeGreaterThan(0);
  });

  it('answered every command with 201 during the outage too', () => {
    expect(sent.filter((s) => s.status !== 201).map((s) => `${s.status} ${s.text}`)).toEqual([]);
  });

  it('state topic: per bucket, every version 0..lastRevision arrived, first occurrences in order', () => {
    expect(stateReport.problems).toEqual([]);
    expect(fold.lastRevision.size).toBe(BUCKETS);
  });

  it("state topic: each bucket's newest message carries the read model's amount", async () => {
    const { rows } = await app!.db.pool.query<{ id: string; doc: { amount: { amount: string } } }>(
      'SELECT id, doc FROM rm_buckets WHERE model_version = 1',
    );
    const expected = Object.fromEntries(rows.map((r) => [r.id, Number(r.doc.amount.amount)]));
    const published = Object.fromEntries(
      [...lastState].map(([id, v]) => [id, (v?.amount as { amount: number } | undefined)?.amount]),
    );
    expect(published).toEqual(expected);
  });

  it('event topic: per bucket, every version 0..lastRevision arrived, first occurrences in order', () => {
    expect(eventsReport.problems).toEqual([]);
  });

  it('redeliveries (counted in the output) are copies of the first delivery, one state message per event besides', () => {
    expect(redeliveries).toEqual([]);
    expect(stateReport.duplicates).toBe(stateReport.messages - fold.events.length);
    expect(eventsReport.duplicates).toBe(eventsReport.messages - fold.events.length);
  });
});
