import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { PostgresEventStore } from '@ledger/event-store';
import { createKafka } from '@ledger/kafka-publisher';
import { authHeader, waitFor } from '@ledger/testing';
import { LedgerApp, startLedgerApp } from '../support/ledger-app';
import { freePort, runCommand } from '../support/processes';
import {
  FreshFold,
  VersionReport,
  allVersionsSeen,
  checkVersions,
  checkpointAt,
  freshFold,
  lastAppendedPosition,
  readAllEvents,
  readTopic,
} from './fault-support';

/**
 * The projector starts while its Kafka broker (this test's own, on free ports) is down: it must
 * start anyway and project, so commands are answered and read back at once; the outbox holds the
 * messages. Then the broker starts: the relay creates the topics and delivers every state, in
 * order per bucket.
 */

const BUCKETS = 5;
const TOPUPS = 40;

jest.setTimeout(240_000);

describe('the projector started while Kafka is down', () => {
  const runDir = mkdtempSync(join(tmpdir(), 'ledger-fault-kafka-start-'));
  const brokerEnv: Record<string, string> = { LEDGER_RUN_DIR: runDir };
  let brokerStarted = false;
  let app: LedgerApp | undefined;
  let store: PostgresEventStore | undefined;
  let kafka: Kafka;
  let fold: FreshFold;
  let stateReport: VersionReport;
  let eventsReport: VersionReport;
  const whileDown = { statuses: [] as number[], readBack: 0, outbox: 0, projected: false, brokerWasDown: false };

  async function broker(command: 'start' | 'stop' | 'status'): Promise<number> {
    const result = await runCommand('bash', ['scripts/kafka.sh', command], { env: brokerEnv, timeoutMs: 120_000 });
    if (command !== 'status' && result.code !== 0) {
      const log = join(runDir, 'logs', 'kafka.log');
      const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-30).join('\n') : '(no broker log)';
      throw new Error(`kafka.sh ${command} failed (${result.code}): ${result.stderr}\n${tail}`);
    }
    return result.code;
  }

  function stopBrokerNow(): void {
    try {
      process.kill(Number(readFileSync(join(runDir, 'kafka.pid'), 'utf8').trim()), 'SIGTERM');
    } catch {
      // no broker running
    }
  }

  /** The one place HTTP requests are made. */
  async function request(method: 'GET' | 'POST', path: string, body?: unknown) {
    const res = await fetch(`${app!.v2}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(await authHeader()) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { id?: string; amount?: { amount: number } } };
  }

  const outboxRows = async () =>
    Number((await app!.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox')).rows[0].n);

  beforeAll(async () => {
    brokerEnv.KAFKA_PORT = String(await freePort());
    do brokerEnv.KAFKA_CONTROLLER_PORT = String(await freePort());
    while (brokerEnv.KAFKA_CONTROLLER_PORT === brokerEnv.KAFKA_PORT);
    process.once('exit', stopBrokerNow);
    const brokers = `127.0.0.1:${brokerEnv.KAFKA_PORT}`;
    whileDown.brokerWasDown = (await broker('status')) !== 0;
    // Resolves only once the projector has started: before, it waited for the topics and exited.
    app = await startLedgerApp({ env: { KAFKA_BROKERS: brokers } });
    store = new PostgresEventStore(app.db.pool, app.db.url);

    const buckets: string[] = [];
    for (let i = 0; i < BUCKETS; i++) {
      const res = await request('POST', '/bucket', {
        type: 'monetary',
        product: [{ id: `prod-${randomUUID()}` }],
        amount: { amount: 10, units: 'EUR' },
        validFor: { startDateTime: '2025-01-01T00:00:00Z' },
      });
      whileDown.statuses.push(res.status);
      if (res.body.id) buckets.push(res.body.id);
    }
    for (let i = 0; i < TOPUPS && buckets.length > 0; i++) {
      const res = await request('POST', '/balanceTopup', {
        type: 'voucher',
        channel: { id: 'web' },
        amount: { amount: 1 + (i % 7), units: 'EUR' },
        bucket: { id: buckets[i % buckets.length] },
      });
      whileDown.statuses.push(res.status);
      // Read-your-writes: the projection runs, so the topup reads back at once.
      if (res.status === 201 && (await request('GET', `/balanceTopup/${res.body.id}`)).status === 200)
        whileDown.readBack++;
    }
    const last = await lastAppendedPosition(app.db.pool);
    whileDown.projected = (
      await waitFor('the projection at the last event', async () => {
        const at = await checkpointAt(app!.db.pool, last);
        return at.reached ? at : undefined;
      })
    ).reached;
    whileDown.outbox = await outboxRows();

    brokerStarted = true;
    await broker('start');
    await waitFor(
      'the outbox to drain once the broker is up',
      async () => ((await outboxRows()) === 0 ? true : undefined),
      120_000,
      200,
    );
    kafka = createKafka({ brokers: [brokers], clientId: `kafka-down-reader-${randomUUID().slice(0, 8)}` });
    fold = freshFold(await readAllEvents(store));
    const state = await readTopic(kafka, app.config.topics.bucketState, allVersionsSeen(fold.lastRevision), 60_000);
    stateReport = checkVersions(state.byKey, fold.lastRevision, 'state topic');
    const events = await readTopic(kafka, app.config.topics.balanceEvents, allVersionsSeen(fold.lastRevision), 60_000);
    eventsReport = checkVersions(events.byKey, fold.lastRevision, 'event topic');
    // eslint-disable-next-line no-console
    console.log(
      `kafka-down-at-start: ${whileDown.statuses.length} commands while the broker was down, outbox held ${whileDown.outbox} rows; ` +
        `${fold.events.length} events; state topic ${stateReport.messages} messages`,
    );
  });

  afterAll(async () => {
    await store?.close().catch(() => undefined);
    await app?.close().catch(() => undefined);
    // eslint-disable-next-line no-console
    if (brokerStarted) await broker('stop').catch((error: unknown) => console.error(String(error)));
    process.removeListener('exit', stopBrokerNow);
    rmSync(runDir, { recursive: true, force: true });
  }, 120_000);

  it('really had no broker when the projector started', () => {
    expect(whileDown.brokerWasDown).toBe(true);
  });

  it('answered every command with 201 and read each topup back at once, the outbox holding the messages', () => {
    expect(whileDown.statuses).toEqual(Array(BUCKETS + TOPUPS).fill(201));
    expect(whileDown.readBack).toBe(TOPUPS);
    expect(whileDown.projected).toBe(true);
    expect(whileDown.outbox).toBe(BUCKETS + TOPUPS * 2);
  });

  it('delivered every state and event once the broker came, in order per bucket', () => {
    expect(stateReport.problems).toEqual([]);
    expect(eventsReport.problems).toEqual([]);
    expect(fold.lastRevision.size).toBe(BUCKETS);
  });
});
