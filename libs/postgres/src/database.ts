import { Client, Pool, PoolConfig } from 'pg';

/**
 * Pools created by the ledger. The timeouts bound how long any of our sessions can hold the
 * event store's read horizon (see README, "Ordering guarantee"), and how long a caller waits for a
 * connection: pg-pool queues without limit unless `connectionTimeoutMillis` is set, so a flood of
 * requests on a busy pool would pile up instead of failing fast (see `isPoolTimeout`). An idle
 * client's error (a server restart) is logged instead of crashing the process; the pool replaces
 * the client.
 */
export function createPool(connectionString: string, overrides: PoolConfig = {}): Pool {
  const pool = new Pool({
    connectionString,
    max: 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    application_name: 'prepay-balance-ledger',
    statement_timeout: 30_000,
    idle_in_transaction_session_timeout: 10_000,
    ...overrides,
  });
  pool.on('error', (error) => process.stderr.write(`PostgreSQL pool: idle client failed: ${error.message}\n`));
  return pool;
}

/**
 * pg-pool's two ways of giving up within `connectionTimeoutMillis`: no client came free in time
 * (the pool is exhausted), or a new connection was not established in time (the server is slow or
 * unreachable). Neither reached the server with a statement, so nothing was written.
 */
const POOL_TIMEOUTS = ['timeout exceeded when trying to connect', 'Connection terminated due to connection timeout'];

export function isPoolTimeout(error: unknown): boolean {
  return error instanceof Error && POOL_TIMEOUTS.includes(error.message);
}

export function databaseName(connectionString: string): string {
  const name = decodeURIComponent(new URL(connectionString).pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`unsupported database name "${name}"`);
  return name;
}

/** The same server with another database: used to reach `postgres` for CREATE/DROP DATABASE. */
export function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${database}`;
  return url.toString();
}

async function onMaintenanceDb<T>(connectionString: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: withDatabase(connectionString, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function ensureDatabase(connectionString: string): Promise<boolean> {
  const name = databaseName(connectionString);
  return onMaintenanceDb(connectionString, async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE "${name}"`);
    return true;
  });
}

export async function dropDatabase(connectionString: string): Promise<void> {
  const name = databaseName(connectionString);
  await onMaintenanceDb(connectionString, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
