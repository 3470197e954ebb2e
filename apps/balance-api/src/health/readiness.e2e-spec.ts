import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@ledger/config';
import { type PgPool, createPool, withDatabase } from '@ledger/postgres';
import { authHeader, waitFor } from '@ledger/testing';
import { LedgerApp, startLedgerApp } from '../../../../test/support/ledger-app';
import { freePort } from '../../../../test/support/processes';
import { ProjectorModule } from '../../../projector/src/projector.module';

/**
 * Liveness and readiness as orchestrators see them: the API's readiness is PostgreSQL's (never
 * Kafka's, which it does not use), the projector's own port also needs Kafka.
 */

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** The one place requests are made: probes go without a token, reports with one. */
async function get(url: string, options: { token?: boolean } = {}): Promise<Answer> {
  const headers = options.token ? await authHeader({ roles: ['operator'] }) : undefined;
  const res = await fetch(url, { headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A port nothing listens on: a Kafka broker that is down. */
const deadBroker = async () => `127.0.0.1:${await freePort()}`;

describe('balance-api readiness with Kafka down', () => {
  let app: LedgerApp;
  beforeAll(async () => {
    app = await startLedgerApp({ projector: false, env: { KAFKA_BROKERS: await deadBroker() } });
  });
  afterAll(() => app.close());

  it('is live and ready without a token, because it does not need Kafka', async () => {
    expect(await get(`${app.baseUrl}/health/live`)).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await get(`${app.baseUrl}/health/ready`)).toMatchObject({
      status: 200,
      body: { status: 'ok', info: { postgres: { status: 'up' } } },
    });
  });

  it('reports Kafka unreachable in the full report, which stays up', async () => {
    const { status, body } = await get(`${app.baseUrl}/health`, { token: true });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'up', postgres: { reachable: true }, kafka: { reachable: false } });
  });

  it('keeps the detailed reports behind a token', async () => {
    expect((await get(`${app.baseUrl}/health`)).status).toBe(401);
    expect((await get(`${app.baseUrl}/health/projector`)).status).toBe(401);
  });
});

describe('balance-api readiness with PostgreSQL refusing it', () => {
  let app: LedgerApp;
  /** On the server's maintenance database: a database cannot shut its own doors. */
  let admin: PgPool;
  const database = () => new URL(app.db.url).pathname.slice(1);
  beforeAll(async () => {
    app = await startLedgerApp({ projector: false });
    admin = createPool(withDatabase(app.db.url, 'postgres'), { max: 1 });
  });
  afterAll(async () => {
    await admin.query(`ALTER DATABASE "${database()}" WITH ALLOW_CONNECTIONS true`).catch(() => undefined);
    await admin.end();
    await app.close();
  });

  it('is not ready (503, TMF body naming postgres) while its database refuses sessions, and ready again after', async () => {
    expect((await get(`${app.baseUrl}/health/ready`)).status).toBe(200);
    // The shared server stays up; only this test's database stops taking sessions, and the API's are ended.
    await admin.query(`ALTER DATABASE "${database()}" WITH ALLOW_CONNECTIONS false`);
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [database()],
    );
    const down = await waitFor('readiness to fail', async () => {
      const answer = await get(`${app.baseUrl}/health/ready`);
      return answer.status === 503 ? answer : undefined;
    });
    expect(down.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: '503', reason: 'Not ready' });
    expect(String(down.body.message)).toMatch(/^not ready: postgres: /);
    expect((await get(`${app.baseUrl}/health/live`)).status).toBe(200);

    await admin.query(`ALTER DATABASE "${database()}" WITH ALLOW_CONNECTIONS true`);
    await waitFor('readiness to recover', async () =>
      (await get(`${app.baseUrl}/health/ready`)).status === 200 ? true : undefined,
    );
  });
});

describe('the projector health port', () => {
  let app: LedgerApp;
  let projectors: INestApplication[] = [];

  async function startProjector(brokers: string): Promise<string> {
    const port = await freePort();
    const config = loadConfig({
      DATABASE_URL: app.config.databaseUrl,
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC_BUCKET_STATE: app.config.topics.bucketState,
      KAFKA_TOPIC_BALANCE_EVENTS: app.config.topics.balanceEvents,
      PROJECTOR_HEALTH_PORT: String(port),
    });
    const projector = await NestFactory.create(ProjectorModule.forRoot(config), { logger: ['error'] });
    projectors.push(projector);
    await projector.listen(port, '127.0.0.1');
    return `http://127.0.0.1:${port}`;
  }

  beforeAll(async () => {
    app = await startLedgerApp({ projector: false });
  });
  afterAll(async () => {
    for (const p of projectors) await p.close();
    projectors = [];
    await app.close();
  });

  it('is live but not ready while Kafka is down, naming kafka', async () => {
    const base = await startProjector(await deadBroker());
    expect((await get(`${base}/health/live`)).status).toBe(200);
    const { status, body } = await get(`${base}/health/ready`);
    expect(status).toBe(503);
    expect(body).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: '503' });
    expect(body.checks).toMatchObject({ error: { kafka: { status: 'down' } }, info: { postgres: { status: 'up' } } });
  });

  it('is ready with the broker up, its locks held or waited for', async () => {
    const base = await startProjector(app.config.kafkaBrokers.join(','));
    const ready = await waitFor('the projector ready', async () => {
      const answer = await get(`${base}/health/ready`);
      return answer.status === 200 ? answer : undefined;
    });
    expect(ready.body).toMatchObject({
      status: 'ok',
      info: { locks: { status: 'up' }, postgres: { status: 'up' }, kafka: { status: 'up' } },
    });
  });
});
