import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { type ApiConfig, loadApiConfig } from '@ledger/config';
import { tmf654V2Base } from '@ledger/contracts';
import { PostgresEventStore } from '@ledger/event-store';
import { createKafka } from '@ledger/kafka-publisher';
import { type PgPool, createPool, ensureDatabase, migrate } from '@ledger/postgres';
import { authHeader, waitFor } from '@ledger/testing';
import { createApiApp } from '../../apps/balance-api/src/bootstrap';
import { ProjectorModule } from '../../apps/projector/src/projector.module';
import { ProjectorService } from '../../apps/projector/src/projector.service';
import { freePort, seededRandom } from '../support/processes';
import { testAuthEnv } from '../support/test-auth';
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
import { PrivatePostgres } from './private-postgres';

/**
 * PostgreSQL restarted 5 times (`pg_ctl -m fast restart`, a private cluster) while 4 clients top
 * up over HTTP through the whole service in-process (API and projector on that cluster, the
 * shared Kafka broker on unique topics). While the database is gone the API answers 503 with a
 * TMF body, never 500; after each restart it serves again by itself; the projector and relay
 * reconnect and take their locks again; and in the end every accepted topup is in the read model
 * and every bucket's versions are on Kafka, in order. No rejection goes unhandled meanwhile.
 */

const SEED = Number(process.env.FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RESTARTS = 5;
const CLIENTS = 4;
const BUCKETS = 8;
/** Accepted commands between restarts: the service must have recovered before the next one. */
const ACCEPTED_BETWEEN = 15;

jest.setTimeout(240_000);

interface Answer {
  status: number;
  code?: string;
  id?: string;
}

describe('PostgreSQL restarted 5 times under load', () => {
  const pg = new PrivatePostgres();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let config: ApiConfig;
  let pool: PgPool;
  let api: INestApplication | undefined;
  let projector: INestApplicationContext | undefined;
  let store: PostgresEventStore;
  let kafka: Kafka;
  let v2 = '';
  const answers: Answer[] = [];
  let fold: FreshFold;
  let stateReport: VersionReport;

  /** The one place requests are sent; a failed request is recorded as status 0. */
  async function send(path: string, body: unknown, key = randomUUID()): Promise<Answer> {
    try {
      const res = await fetch(`${v2}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key, ...(await authHeader()) },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as { id?: string; code?: string };
      return { status: res.status, code: json.code, id: res.status === 201 ? json.id : undefined };
    } catch (error) {
      return { status: 0, code: String(error) };
    }
  }

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    // eslint-disable-next-line no-console
    console.log(`postgres-restart: FAULT_SEED=${SEED}`);
    const random = seededRandom(SEED);
    await pg.start();
    const url = pg.url(`ledger_restart_${randomUUID().slice(0, 8)}`);
    await ensureDatabase(url);
    await migrate(url);
    const suffix = randomUUID().slice(0, 8);
    const port = await freePort();
    config = loadApiConfig({
      ...testAuthEnv(),
      DATABASE_URL: url,
      PORT: String(port),
      KAFKA_TOPIC_BUCKET_STATE: `test.pg-restart-state.${suffix}`,
      KAFKA_TOPIC_BALANCE_EVENTS: `test.pg-restart-events.${suffix}`,
      KAFKA_TOPIC_PARTITIONS: '3',
    });
    projector = await NestFactory.createApplicationContext(ProjectorModule.forRoot(config), { logger: ['error'] });
    api = await createApiApp(config, { logger: ['error'] });
    await api.listen(port, '127.0.0.1');
    v2 = tmf654V2Base(config.publicBaseUrl);
    pool = createPool(url, { max: 2 });
    store = new PostgresEventStore(pool, url);
    kafka = createKafka({ brokers: config.kafkaBrokers, clientId: `pg-restart-reader-${suffix}` });

    const buckets: string[] = [];
    for (let i = 0; i < BUCKETS; i++) {
      const opened = await send('/bucket', {
        type: 'monetary',
        product: [{ id: `prod-${suffix}-${i}` }],
        amount: { amount: 10, units: 'EUR' },
        validFor: { startDateTime: '2025-01-01T00:00:00Z', endDateTime: '2099-01-01T00:00:00Z' },
      });
      if (opened.status !== 201) throw new Error(`POST /bucket answered ${opened.status} ${opened.code}`);
      buckets.push(opened.id!);
    }

    let done = false;
    const client = async () => {
      while (!done) {
        const amount = Math.round(1 + random() * 999) / 100;
        const bucket = { id: buckets[Math.floor(random() * buckets.length)] };
        answers.push(
          await send('/balanceTopup', {
            type: 'voucher',
            channel: { id: 'web' },
            amount: { amount, units: 'EUR' },
            bucket,
          }),
        );
      }
    };
    const load = Promise.all(Array.from({ length: CLIENTS }, client));
    load.catch(() => undefined); // awaited below
    const accepted = () => answers.filter((a) => a.status === 201).length;
    try {
      for (let restart = 1; restart <= RESTARTS; restart++) {
        const before = accepted();
        await waitFor(
          `${ACCEPTED_BETWEEN} commands accepted before restart ${restart}`,
          () => (accepted() - before >= ACCEPTED_BETWEEN ? true : undefined),
          60_000,
          50,
        );
        await pg.restart();
      }
      const after = accepted();
      await waitFor(
        'commands accepted after the last restart',
        () => (accepted() - after >= ACCEPTED_BETWEEN ? true : undefined),
        60_000,
        50,
      );
    } finally {
      done = true;
      await load;
    }

    const last = await lastAppendedPosition(pool);
    let seen = '';
    try {
      await waitFor(
        'the projection caught up and the outbox drained',
        async () => {
          const checkpoint = await checkpointAt(pool, last);
          const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox');
          seen = `${checkpoint.describe}, outbox ${rows[0].n}`;
          return checkpoint.reached && rows[0].n === 0 ? true : undefined;
        },
        90_000,
        200,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; last seen: ${seen}\n${pg.logTail()}`, { cause: error });
    }
    fold = freshFold(await readAllEvents(store));
    const state = await readTopic(kafka, config.topics.bucketState, allVersionsSeen(fold.lastRevision), 60_000);
    stateReport = checkVersions(state.byKey, fold.lastRevision, 'state topic');
    const count = (status: number) => answers.filter((a) => a.status === status).length;
    // eslint-disable-next-line no-console
    console.log(
      `postgres-restart: ${RESTARTS} restarts, ${answers.length} topups sent: ${count(201)} accepted, ${count(503)} answered 503, ` +
        `${answers.length - count(201) - count(503)} other; ${fold.events.length} events; state topic ${stateReport.messages} messages, ` +
        `${stateReport.duplicates} re-deliveries`,
    );
  });

  afterAll(async () => {
    await api?.close().catch(() => undefined);
    await projector?.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
    await pool?.end().catch(() => undefined);
    await pg.stop();
    process.removeListener('unhandledRejection', onUnhandled);
  });

  it('answered every topup with 201 or a TMF 503 SERVICE_UNAVAILABLE, never 500, and some with 503', () => {
    const other = answers.filter((a) => a.status !== 201 && !(a.status === 503 && a.code === 'SERVICE_UNAVAILABLE'));
    expect(other).toEqual([]);
    expect(answers.filter((a) => a.status === 503).length).toBeGreaterThan(0);
  });

  it('has every accepted topup in the read model', async () => {
    const ids = answers.filter((a) => a.status === 201).map((a) => a.id!);
    const { rows } = await pool.query<{ id: string }>(
      'SELECT id FROM rm_topups WHERE model_version = 1 AND id = ANY($1)',
      [ids],
    );
    expect(new Set(rows.map((r) => r.id)).size).toBe(ids.length);
  });

  it('published every version of every bucket to Kafka, in order per bucket', () => {
    expect(stateReport.problems).toEqual([]);
    expect(fold.lastRevision.size).toBe(BUCKETS);
  });

  it('kept every part alive: the API ready, the runner and the relay holding their locks again', async () => {
    const ready = await fetch(`${config.publicBaseUrl}/health/ready`);
    expect(ready.status).toBe(200);
    const status = projector!.get(ProjectorService).status();
    expect(status.projection.holdsLock).toBe(true);
    expect(status.relay.holdsLock).toBe(true);
  });

  it('left no rejection unhandled', () => {
    expect(unhandled.map(String)).toEqual([]);
  });
});
