import { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { type ApiConfig, loadApiConfig } from '@ledger/config';
import { createApiApp } from '../../apps/balance-api/src/bootstrap';
import { ProjectorModule } from '../../apps/projector/src/projector.module';
import { freePort } from './processes';
import { testAuthEnv } from './test-auth';
import { createTestDatabase, TestDatabase } from './test-database';
import { tmf654V2Base } from '@ledger/contracts';

export interface LedgerApp {
  /** e.g. http://127.0.0.1:40123 */
  baseUrl: string;
  /** tmf654V2Base(baseUrl) */
  v2: string;
  /** Authentication on, with the test key of test-auth.ts (tokenFor signs for it). */
  config: ApiConfig;
  db: TestDatabase;
  api: INestApplication;
  projector: INestApplicationContext | undefined;
  close(): Promise<void>;
}

/**
 * The whole service in-process on a fresh database: balance-api on a free port and the projector
 * (projection + outbox relay to the real Kafka broker, on topics unique to this app).
 */
export async function startLedgerApp(
  options: { projector?: boolean; env?: Record<string, string> } = {},
): Promise<LedgerApp> {
  const db = await createTestDatabase();
  const suffix = randomUUID().slice(0, 8);
  const port = await freePort();
  const config0 = loadApiConfig({
    ...testAuthEnv(),
    DATABASE_URL: db.url,
    PORT: String(port),
    KAFKA_TOPIC_BUCKET_STATE: `test.bucket-state.${suffix}`,
    KAFKA_TOPIC_BALANCE_EVENTS: `test.balance-events.${suffix}`,
    KAFKA_TOPIC_AUDIT_ANCHORS: `test.audit-anchors.${suffix}`,
    KAFKA_TOPIC_PARTITIONS: '3',
    ...options.env,
  });
  const projector =
    options.projector === false
      ? undefined
      : await NestFactory.createApplicationContext(ProjectorModule.forRoot(config0), { logger: ['error', 'warn'] });
  const api = await createApiApp(config0, { logger: ['error', 'warn'] });
  await api.listen(port, '127.0.0.1');
  const baseUrl = config0.publicBaseUrl;
  return {
    baseUrl,
    v2: tmf654V2Base(baseUrl),
    config: config0,
    db,
    api,
    projector,
    async close() {
      await api.close();
      await projector?.close();
      await db.drop();
    },
  };
}

/**
 * Another balance-api process on the same database and topics as `app`, without a projector: it
 * shares nothing with the first but PostgreSQL, as a second instance behind a load balancer would.
 */
export async function startSecondApi(app: LedgerApp): Promise<{ v2: string; close(): Promise<void> }> {
  const port = await freePort();
  // Same public base URL as the first: both stand for one service behind one address.
  const config = { ...app.config, port };
  const api = await createApiApp(config, { logger: ['error', 'warn'] });
  await api.listen(port, '127.0.0.1');
  return { v2: tmf654V2Base(`http://127.0.0.1:${port}`), close: () => api.close() };
}
