import { randomUUID } from 'node:crypto';
import { LedgerConfig, loadConfig } from '@ledger/config';
import { ChildHandle, freePort, spawnTsEntry } from '../../test/support/processes';
import { authHeader, testAuthEnv } from '../../test/support/test-auth';
import { createTestDatabase, TestDatabase } from '../../test/support/test-database';
import { log } from './log';
import { ProcessSampler } from './memory';
import { tmf654V2Base } from '@ledger/contracts';

export interface BenchService {
  /** e.g. http://127.0.0.1:40123/tmf-api/prepayBalanceManagement/v2 */
  v2: string;
  config: LedgerConfig;
  /** A bearer token with every role, for every request the scenarios send. */
  headers: Record<string, string>;
  db: TestDatabase;
  /** Peak RSS (MiB) of each process of the service so far. */
  peaks(): { api: number | undefined; projector: number | undefined };
  close(): Promise<void>;
}

/**
 * The whole service as `npm start` runs it: balance-api and projector (projection + outbox relay)
 * as two processes of their own, on a fresh database and fresh topics. The bench process is then
 * only the client, as a charging system would be.
 */
export async function startBenchService(env: Record<string, string> = {}): Promise<BenchService> {
  const db = await createTestDatabase();
  const port = await freePort();
  // Its own projector health port too: the default (3001) is a running `npm start`'s.
  const projectorHealthPort = await freePort();
  const suffix = randomUUID().slice(0, 8);
  const serviceEnv = {
    DATABASE_URL: db.url,
    PORT: String(port),
    PROJECTOR_HEALTH_PORT: String(projectorHealthPort),
    KAFKA_TOPIC_BUCKET_STATE: `bench.bucket-state.${suffix}`,
    KAFKA_TOPIC_BALANCE_EVENTS: `bench.balance-events.${suffix}`,
    // Authentication on as in production; rate limits far above any rate the bench reaches.
    ...testAuthEnv(),
    RATE_LIMIT_WRITES_PER_MINUTE: '100000000',
    RATE_LIMIT_READS_PER_MINUTE: '100000000',
    ...env,
  };
  const config = loadConfig(serviceEnv);
  const children: ChildHandle[] = [];
  try {
    const projector = spawnTsEntry('apps/projector/src/main.ts', { name: 'projector', env: serviceEnv });
    children.push(projector);
    await projector.waitForLine(/holds the outbox relay lock/, 120_000);
    const api = spawnTsEntry('apps/balance-api/src/main.ts', { name: 'balance-api', env: serviceEnv });
    children.push(api);
    await api.waitForLine(/balance-api listening/, 120_000);
    log(`service: balance-api (pid ${api.pid}) and projector (pid ${projector.pid}) on ${config.publicBaseUrl}`);
    const samplers = {
      api: new ProcessSampler(api.pid, 'VmHWM'),
      projector: new ProcessSampler(projector.pid, 'VmHWM'),
    };
    return {
      v2: tmf654V2Base(config.publicBaseUrl),
      config,
      headers: await authHeader({ subject: 'bench', clientId: 'bench', ttlSeconds: 24 * 3600 }),
      db,
      peaks: () => ({ api: samplers.api.stop(), projector: samplers.projector.stop() }),
      async close() {
        for (const child of children.reverse()) await child.kill('SIGTERM', 10_000);
        await db.drop();
      },
    };
  } catch (error) {
    for (const child of children) await child.kill('SIGKILL');
    await db.drop();
    throw error;
  }
}
