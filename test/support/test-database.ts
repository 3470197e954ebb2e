import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { createPool, dropDatabase, ensureDatabase, migrate, withDatabase } from '@ledger/postgres';

export const TEST_SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  pool: Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A fresh database of its own for one test file: created, migrated, and dropped by `drop()`. */
export async function createTestDatabase(options: { migrate?: boolean; poolMax?: number } = {}): Promise<TestDatabase> {
  const url = withDatabase(TEST_SERVER_URL, `ledger_test_${randomBytes(6).toString('hex')}`);
  await ensureDatabase(url);
  if (options.migrate !== false) await migrate(url);
  const pool = createPool(url, { max: options.poolMax ?? 10 });
  return {
    url,
    pool,
    async drop() {
      await pool.end();
      await dropDatabase(url);
    },
  };
}
